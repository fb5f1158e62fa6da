import {
  assign,
  cancel,
  createActor,
  enqueueActions,
  fromPromise,
  raise,
  setup,
  stopChild,
  type ActorRefFrom,
  type AnyActorRef,
} from 'xstate';
import type { Clock } from '../time/clock.js';
import { describeValue, isInstance } from '../describe-value.js';
import { PoolFailedError, UnrecoverableError } from '../errors.js';
import {
  supervisorMachine,
  type SupervisorDecision,
  type SupervisorEvent,
} from '../supervision/supervisor-machine.js';
import type { SupervisionConfig } from '../supervision/supervision-options.js';
import {
  workerMachine,
  type WorkerInput,
  type WorkerParentEvent,
} from '../worker/worker-machine.js';
import type { WorkerLogic } from '../worker/worker-logic.js';
import type { Dispatcher } from './dispatcher.js';
import { SeatTable } from './seat-table.js';
import type { ScaleReason } from '../scaling/autoscaler-machine.js';

/** What the pool actor is started with. */
export interface PoolMachineInput {
  readonly name: string;
  readonly size: number;
  readonly logic: WorkerLogic<unknown, unknown, unknown>;
  readonly dispatcher: Dispatcher<unknown, unknown>;
  readonly clock: Clock;
  readonly supervision: SupervisionConfig;
  readonly random: () => number;
}

/** Events the pool actor takes: calls from the pool handle, its workers' and supervisor's reports. */
export type PoolMachineEvent =
  | { type: 'pool.start' }
  | { type: 'pool.close'; abort: boolean; reason: unknown }
  | { type: 'pool.timeout'; reason: unknown }
  | {
      type: 'pool.resize';
      size: number;
      /** Set when the pool sizes itself (autoscaling); absent for `resize(n)`. */
      because?: ScaleReason;
      detail?: string;
      /** The seat to give up first (an idle worker retiring). */
      retire?: string;
    }
  | {
      type: 'seats.respawn';
      seats: readonly string[];
      epoch: number;
      /** A worker given up by its executor (`replace`), not a restart by the supervisor. */
      replaced?: boolean;
      /** The id of the delayed raise that brought it (a restart's): no longer pending. */
      delayId?: string;
    }
  | WorkerParentEvent
  | SupervisorDecision;

type SupervisorRef = ActorRefFrom<typeof supervisorMachine>;

/** A pool actor's context. */
export interface PoolContext {
  readonly name: string;
  readonly logic: WorkerLogic<unknown, unknown, unknown>;
  readonly dispatcher: Dispatcher<unknown, unknown>;
  readonly clock: Clock;
  readonly supervision: SupervisionConfig;
  readonly random: () => number;
  /** The number of seats the pool keeps (a forgotten `'temporary'` seat lowers it). */
  size: number;
  /** The size last asked for (option or resize): a new start begins with it. */
  requestedSize: number;
  /** The seats and the worker actors on them (changed in place: see `SeatTable`). */
  readonly table: SeatTable;
  supervisor: SupervisorRef | undefined;
  /** Counts starts: a delayed respawn from an earlier life of the pool is ignored. */
  epoch: number;
  /** `close({ abort: true })` was asked for during this close: no setup is waited for. */
  aborting: boolean;
  failure: PoolFailedError | undefined;
  /**
   * The ids of delayed restarts not yet due (changed in place): a pool that stops or fails
   * cancels them, so that no timer of it is left to keep the process alive.
   */
  readonly respawns: DelayedRespawns;
}

/** Unique ids for the delayed restarts of one pool, and which are still pending. */
class DelayedRespawns {
  readonly pending = new Set<string>();
  #next = 0;
  /** A new id, counted as pending. */
  add(): string {
    const id = `respawn.${++this.#next}`;
    this.pending.add(id);
    return id;
  }
}

/** Reports to the supervisor, unless it has already given up (escalated: a final state). */
function tellSupervisor(context: PoolContext, event: SupervisorEvent): void {
  const supervisor = context.supervisor;
  if (supervisor !== undefined && supervisor.getSnapshot().status === 'active')
    supervisor.send(event);
}

/**
 * What a new worker actor is started with. Its callback closes over the dispatcher alone, never
 * over `context`: a context holds the pool's earlier workers, so a worker holding it would keep
 * every worker before it reachable (memory growing with each restart).
 */
function workerInput(context: PoolContext, id: string): WorkerInput {
  const dispatcher = context.dispatcher;
  return {
    id,
    runs: dispatcher,
    logic: context.logic,
    clock: context.clock,
    setupTimeoutMs: context.supervision.setupTimeoutMs,
    lateTeardownFailed: (error) => dispatcher.lateTeardownFailed(id, error),
  };
}

/**
 * Starts the next worker on `seat`. Workers are actors of the pool's system with the pool as
 * parent (they report to it), but not in its snapshot's `children`: XState copies that record
 * for every child stopped, which made a close quadratic in the pool's size. The pool stops
 * each worker itself (`stopChild` with the ref: see `workerStopped`, `forgetWorkers`).
 * Called while actions resolve, as `spawn` in `assign` would be, not from a custom action.
 */
function startWorker(context: PoolContext, self: AnyActorRef, seat: string, restart: boolean) {
  const { id, generation } = context.table.nextWorker(seat);
  const ref = createActor(workerMachine, { id, parent: self, input: workerInput(context, id) });
  context.table.addWorker(id, seat, ref);
  context.dispatcher.attach(id, seat, generation, ref, restart);
  ref.start();
}

/** What `starting` and `running` both do: take submits, resize, and supervise their workers. */
const accepting = {
  'pool.close': 'closing',
  'pool.resize': { actions: ['resize', 'fill'] },
  'worker.stopped': { actions: ['workerStopped', 'fill'] },
  'worker.crashed': [
    { guard: 'unrecoverable', target: 'failed', actions: ['workerCrashed', 'fail'] },
    { actions: 'workerCrashedSupervised' },
  ],
  'worker.replacing': { actions: ['workerReplacing', 'respawnReplaced'] },
  'supervisor.restart': { actions: 'restart' },
  'seats.respawn': { actions: 'respawn' },
  'supervisor.forget': [
    { guard: 'lastSeat', target: 'failed', actions: ['forgetSeat', 'fail'] },
    { actions: 'forgetSeat' },
  ],
  'supervisor.escalate': { target: 'failed', actions: 'fail' },
} as const;

/**
 * A pool's lifecycle: `stopped → starting → running → closing → stopped`, and `failed` when its
 * supervisor gives up. The pool spawns a worker actor per seat and a supervisor actor; a crash
 * is an event to the pool, which reports it to the supervisor and carries out its decision
 * (restart seats after a backoff, forget a seat, or fail). The dispatcher (the per-task hot
 * path) is driven through open, close, drain and stop; tasks never pass through the machine.
 */
export const poolMachine = setup({
  types: {
    input: {} as PoolMachineInput,
    context: {} as PoolContext,
    events: {} as PoolMachineEvent,
  },
  actors: {
    worker: workerMachine,
    supervisor: supervisorMachine,
    drain: fromPromise<void, Dispatcher<unknown, unknown>>(({ input }) => input.whenIdle()),
  },
  guards: {
    // (A dynamic pool with min 0 starts with no worker: it is ready at once.)
    allReady: ({ context }) =>
      (context.table.size > 0 || context.size === 0) &&
      context.dispatcher.readyCount() >= context.table.size,
    noWorkers: ({ context }) => context.table.workerCount === 0,
    abort: ({ event }) => event.type === 'pool.close' && event.abort,
    // The last worker is gone for good: a pool that may not be empty has failed (one whose
    // `min` is 0 just shrinks to none, and demand starts a worker again).
    lastSeat: ({ context, event }) =>
      event.type === 'supervisor.forget' &&
      context.table.soleSeat() === event.id &&
      context.dispatcher.sizing?.min !== 0,
    // A worker that cannot work however often it is restarted (a module that cannot be
    // loaded): restarting it would only spend the restart limit first.
    unrecoverable: ({ event }) =>
      event.type === 'worker.crashed' && isInstance(event.cause, UnrecoverableError),
  },
  actions: {
    open: ({ context }) => context.dispatcher.open(),
    refuseStopped: ({ context }) =>
      context.dispatcher.refuse(
        'pool-closed',
        `pool '${context.name}' is stopped: call start() first`,
      ),
    /** A fresh supervisor and seat list for this life of the pool. */
    begin: enqueueActions(({ context, enqueue }) => {
      if (context.supervisor !== undefined) enqueue(stopChild(context.supervisor));
      context.table.clearSeats();
      enqueue.assign(({ spawn }) => ({
        supervisor: spawn('supervisor', {
          // One id for every pool: its final state sends the pool `xstate.done.actor.<id>`,
          // and XState caches transitions per event type for good.
          id: 'supervisor',
          input: { ...context.supervision, clock: context.clock, random: context.random },
        }),
        size: context.requestedSize,
        epoch: context.epoch + 1,
        failure: undefined,
      }));
    }),
    /**
     * Adds seats (each with a new worker) until there are `size` of them — for a dynamic pool,
     * only while fewer than `max` worker actors exist (a worker given up by a shrink may still
     * be finishing its task): the rest come when such a worker stops.
     */
    fill: enqueueActions(({ context, self }) => {
      const table = context.table;
      const wanted = Math.min(context.size - table.size, context.dispatcher.workerRoom(table));
      for (let i = 0; i < wanted; i++) {
        const seat = table.addSeat(context.name);
        tellSupervisor(context, { type: 'child.added', id: seat });
        startWorker(context, self, seat, true);
      }
    }),
    /** Starts a new worker on each seat the supervisor restarts (still wanted, not already filled). */
    respawn: enqueueActions(({ context, event, self }) => {
      if (event.type !== 'seats.respawn') return;
      if (event.delayId !== undefined) context.respawns.pending.delete(event.delayId);
      if (event.epoch !== context.epoch) return;
      const live = context.dispatcher.liveSeats();
      for (const seat of event.seats) {
        if (!context.table.has(seat) || live.has(seat)) continue;
        startWorker(context, self, seat, event.replaced !== true);
      }
    }),
    workerReady: ({ context, event }) => {
      if (event.type !== 'worker.ready') return;
      context.dispatcher.ready(event.id, event.resource);
      const seat = context.table.seatOf(event.id);
      // A worker whose seat a shrink gave up is stopping: it is no child of the supervisor.
      if (seat !== undefined && context.table.has(seat)) {
        tellSupervisor(context, { type: 'child.started', id: seat });
      }
    },
    /** An executor gave its worker up on purpose: settle what ran on it (not a crash). */
    workerReplacing: ({ context, event }) => {
      if (event.type === 'worker.replacing') context.dispatcher.replacing(event.id, event.cause);
    },
    /** … and its seat, if still wanted, gets a new worker at once. */
    respawnReplaced: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'worker.replacing') return;
      const seat = context.table.seatOf(event.id);
      if (seat === undefined || !context.table.has(seat)) return;
      enqueue(
        raise({ type: 'seats.respawn', seats: [seat], epoch: context.epoch, replaced: true }),
      );
    }),
    workerCrashed: ({ context, event }) => {
      if (event.type === 'worker.crashed') context.dispatcher.crashed(event.id, event.cause);
    },
    /** Settles the crash, and tells the supervisor when a wanted seat lost its worker unplanned. */
    workerCrashedSupervised: ({ context, event }) => {
      if (event.type !== 'worker.crashed') return;
      const unplanned = context.dispatcher.crashed(event.id, event.cause);
      const seat = context.table.seatOf(event.id);
      if (!unplanned || seat === undefined || !context.table.has(seat)) return;
      tellSupervisor(context, {
        type: 'child.exited',
        id: seat,
        abnormal: true,
        cause: event.cause,
      });
    },
    workerStopped: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'worker.stopped') return;
      context.dispatcher.stopped(event.id, event.teardownError);
      // A worker in `stopped` is still an actor until stopped explicitly: without this every
      // restart would leave one behind.
      const ref = context.table.removeWorker(event.id);
      if (ref !== undefined) enqueue(stopChild(ref));
    }),
    /** Carries out a restart decision: stop the siblings now, start the seats after the delay. */
    restart: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'supervisor.restart') return;
      const d = context.dispatcher;
      const cause = new Error(`restarted with ${event.id} (${context.supervision.strategy})`, {
        cause: event.cause,
      });
      for (const seat of event.stop) d.stopSeat(seat, cause);
      if (d.events$.observed) {
        for (const seat of event.ids) {
          d.events$.next({
            type: 'worker.restarting',
            workerId: seat,
            delayMs: event.delayMs,
            attempt: event.attempt,
          });
        }
      }
      const id = context.respawns.add();
      const respawn = {
        type: 'seats.respawn' as const,
        seats: event.ids,
        epoch: context.epoch,
        delayId: id,
      };
      // Always through the clock, even with no delay: a restart yields to the event loop, so
      // that a setup failing at once with no backoff cannot restart in microtasks forever
      // (starving timers, I/O and close()). With an id, so that stopping can cancel it.
      enqueue(raise(respawn, { delay: event.delayMs, id }));
    }),
    /** Cancels every delayed restart still pending: a stopped or failed pool keeps no timer. */
    cancelRespawns: enqueueActions(({ context, enqueue }) => {
      const pending = context.respawns.pending;
      for (const id of pending) enqueue(cancel(id));
      pending.clear();
    }),
    /**
     * The supervisor will not restart a seat (restart type): the pool keeps one seat less. The
     * size asked for (`requestedSize`) stays: `getSnapshot().size` of a fixed pool shows it.
     */
    forgetSeat: assign(({ context, event }) => {
      if (event.type !== 'supervisor.forget' || !context.table.removeSeat(event.id)) return {};
      return { size: context.table.size };
    }),
    resize: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'pool.resize') return;
      const d = context.dispatcher;
      const table = context.table;
      let excess = table.size - event.size;
      if (excess > 0) {
        // A retiring idle worker's seat goes first, then seats waiting for a restart (they have
        // no worker), then the dispatcher's picks.
        const retired =
          event.retire !== undefined && table.has(event.retire) && d.retireSeat(event.retire)
            ? [event.retire]
            : [];
        excess -= retired.length;
        const live = d.liveSeats();
        const idle: string[] = [];
        for (const seat of table.seats()) {
          if (idle.length >= excess) break;
          if (!live.has(seat) && !retired.includes(seat)) idle.push(seat);
        }
        excess -= idle.length;
        const removed = new Set([...retired, ...idle, ...d.shrink(excess)]);
        for (const seat of removed) {
          table.removeSeat(seat);
          tellSupervisor(context, { type: 'child.removed', id: seat });
        }
      }
      const from = context.size;
      if (event.size !== from) {
        d.events$.next({ type: 'pool.resized', from, to: event.size });
        if (event.because !== undefined) {
          d.events$.next({
            type: event.size > from ? 'scale.up' : 'scale.down',
            from,
            to: event.size,
            because: event.because,
            detail: event.detail ?? '',
            dryRun: false,
          });
        }
      }
      // The pool's own sizing does not move the size a new start begins with.
      const requestedSize = event.because === undefined ? event.size : context.requestedSize;
      enqueue.assign({ size: event.size, requestedSize });
    }),
    beginClose: enqueueActions(({ context, event, enqueue }) => {
      const d = context.dispatcher;
      d.refuse('pool-closed', `pool '${context.name}' is closing or closed`);
      const abort = event.type === 'pool.close' && event.abort;
      if (abort) d.abortAll(event.reason);
      enqueue.assign({ aborting: abort });
    }),
    abortAll: enqueueActions(({ context, event, enqueue }) => {
      if (event.type === 'pool.timeout' || (event.type === 'pool.close' && event.abort)) {
        context.dispatcher.abortAll(event.reason);
        if (event.type === 'pool.close') enqueue.assign({ aborting: true });
      }
    }),
    stopWorkers: ({ context }) => context.dispatcher.stopAll(),
    /**
     * Stops waiting for every worker still in its setup or teardown (a close past its deadline,
     * or aborted while waiting): each is reported `worker.abandoned` and its actor stopped, which
     * aborts a setup's signal; what its setup or teardown still does is no longer awaited.
     */
    forgetWorkers: enqueueActions(({ context, enqueue }) => {
      context.dispatcher.forget();
      for (const [, ref] of context.table.removeWorkers()) enqueue(stopChild(ref));
    }),
    /** An aborting close waits for no setup: workers still in theirs are abandoned. */
    abandonSetups: enqueueActions(({ context, enqueue }) => {
      if (!context.aborting) return;
      for (const id of context.dispatcher.abandonStarting()) {
        const ref = context.table.removeWorker(id);
        if (ref !== undefined) enqueue(stopChild(ref));
      }
    }),
    /** Gives up: refuse submits, reject what waits, cancel what runs, stop every worker. */
    fail: assign(({ context, event }) => {
      const { name, supervision } = context;
      const failure =
        event.type === 'supervisor.escalate'
          ? new PoolFailedError(name, event.error.restarts, event.error.withinMs, event.error.cause)
          : event.type === 'worker.crashed'
            ? new PoolFailedError(
                name,
                0,
                supervision.withinMs,
                event.cause,
                `pool '${name}' failed: worker ${event.id} cannot work, and a restart cannot help: ${describeValue(event.cause)}`,
              )
            : new PoolFailedError(
                name,
                0,
                supervision.withinMs,
                undefined,
                `pool '${name}' failed: no workers left (restart: '${supervision.restart}')`,
              );
      const d = context.dispatcher;
      d.refuse('pool-failed', failure.message);
      d.rejectQueued('pool-failed', failure.message);
      d.abortAll(failure);
      d.stopAll();
      d.events$.next({ type: 'pool.failed', error: failure });
      return { failure };
    }),
  },
}).createMachine({
  id: 'pool',
  initial: 'stopped',
  context: ({ input }) => ({
    name: input.name,
    logic: input.logic,
    dispatcher: input.dispatcher,
    clock: input.clock,
    supervision: input.supervision,
    random: input.random,
    size: input.size,
    requestedSize: input.size,
    table: new SeatTable(),
    supervisor: undefined,
    epoch: 0,
    aborting: false,
    failure: undefined,
    respawns: new DelayedRespawns(),
  }),
  on: {
    'worker.ready': { actions: 'workerReady' },
    'worker.stopped': { actions: 'workerStopped' },
    'worker.crashed': { actions: 'workerCrashed' },
    'worker.replacing': { actions: 'workerReplacing' },
  },
  states: {
    stopped: {
      entry: ['refuseStopped', 'cancelRespawns'],
      on: { 'pool.start': { target: 'starting', actions: 'begin' } },
    },
    starting: {
      entry: ['open', 'fill'],
      always: { guard: 'allReady', target: 'running' },
      on: accepting,
    },
    running: {
      on: accepting,
    },
    closing: {
      entry: 'beginClose',
      initial: 'draining',
      on: {
        'pool.close': { actions: 'abortAll' },
        'pool.timeout': {
          target: 'stopped',
          actions: ['abortAll', 'stopWorkers', 'forgetWorkers'],
        },
      },
      states: {
        draining: {
          invoke: {
            src: 'drain',
            input: ({ context }) => context.dispatcher,
            onDone: 'stopping',
          },
          on: {
            // Queued tasks still need workers to drain: crashed ones restart as supervised.
            'worker.crashed': [
              { guard: 'unrecoverable', actions: ['workerCrashed', 'fail'] },
              { actions: 'workerCrashedSupervised' },
            ],
            'worker.replacing': { actions: ['workerReplacing', 'respawnReplaced'] },
            'supervisor.restart': { actions: 'restart' },
            'seats.respawn': { actions: 'respawn' },
            'supervisor.forget': [
              { guard: 'lastSeat', actions: ['forgetSeat', 'fail'] },
              { actions: 'forgetSeat' },
            ],
            'supervisor.escalate': { actions: 'fail' },
          },
        },
        stopping: {
          entry: ['stopWorkers', 'abandonSetups'],
          on: {
            // Waiting for setups or teardowns that may never end: an abort stops waiting.
            'pool.close': { guard: 'abort', target: '#pool.stopped', actions: 'forgetWorkers' },
          },
          always: { guard: 'noWorkers', target: '#pool.stopped' },
        },
      },
    },
    failed: {
      entry: 'cancelRespawns',
      on: {
        'pool.start': { target: 'starting', actions: 'begin' },
        'pool.close': 'closing',
      },
    },
  },
});
