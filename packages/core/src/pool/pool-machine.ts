import {
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
import type { PoolEffects } from './pool-effects.js';
import type { ScaleReason } from '../scaling/autoscaler-machine.js';

/** What the pool actor is started with. */
export interface PoolMachineInput {
  readonly name: string;
  readonly size: number;
  readonly logic: WorkerLogic<unknown, unknown, unknown>;
  /** Where its decisions are carried out: the engine (a fake, in a test). */
  readonly effects: PoolEffects;
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

/**
 * A pool actor's context: plain values, changed by `assign` alone. The seats and worker actors,
 * which change on every worker event, are the effects' (`PoolEffects.seats`).
 */
export interface PoolContext {
  readonly name: string;
  readonly logic: WorkerLogic<unknown, unknown, unknown>;
  readonly effects: PoolEffects;
  readonly clock: Clock;
  readonly supervision: SupervisionConfig;
  readonly random: () => number;
  /** The number of seats the pool keeps (a forgotten `'temporary'` seat lowers it). */
  size: number;
  /** The size last asked for (option or resize): a new start begins with it. */
  requestedSize: number;
  supervisor: SupervisorRef | undefined;
  /** Counts starts: a delayed respawn from an earlier life of the pool is ignored. */
  epoch: number;
  /** `close({ abort: true })` was asked for during this close: no setup is waited for. */
  aborting: boolean;
  failure: PoolFailedError | undefined;
  /**
   * The ids of delayed restarts not yet due: a pool that stops or fails cancels them, so that
   * no timer of it is left to keep the process alive. (Few: restarts are rare and limited.)
   */
  pendingRespawns: readonly string[];
  /** Delayed restarts scheduled so far: the next one's id. */
  respawnsMade: number;
}

/** Reports to the supervisor, unless it has already given up (escalated: a final state). */
function tellSupervisor(context: PoolContext, event: SupervisorEvent): void {
  const supervisor = context.supervisor;
  if (supervisor !== undefined && supervisor.getSnapshot().status === 'active')
    supervisor.send(event);
}

/**
 * What a new worker actor is started with. Its callback closes over the effects alone, never
 * over `context`: a context holds the pool's supervisor and earlier snapshots, so a worker
 * holding it would keep them reachable (memory growing with each restart).
 */
function workerInput(context: PoolContext, id: string): WorkerInput {
  const effects = context.effects;
  return {
    id,
    runs: effects,
    logic: context.logic,
    clock: context.clock,
    setupTimeoutMs: context.supervision.setupTimeoutMs,
    lateTeardownFailed: (error) => effects.lateTeardownFailed(id, error),
  };
}

/** A worker actor made for a seat, not yet started. */
interface NewWorker {
  readonly seat: string;
  readonly id: string;
  readonly generation: number;
  readonly ref: AnyActorRef;
}

/**
 * Makes the next worker actor for `seat`, the `offset`-th new one there (not started). Made while
 * actions resolve, as XState's `spawnChild` makes a child, and started by `launch` when they
 * execute (XState warns of an actor made inside a custom action). Workers are actors of the
 * pool's system with the pool as parent (they report to it), but not in its snapshot's
 * `children`: XState copies that record for every child stopped, which made a close quadratic
 * in the pool's size. The pool stops each worker itself (`stopChild` with the ref: see
 * `workerStopped`, `forgetWorkers`).
 */
function makeWorker(context: PoolContext, self: AnyActorRef, seat: string): NewWorker {
  const { id, generation } = context.effects.seats.upcomingWorker(seat);
  const ref = createActor(workerMachine, { id, parent: self, input: workerInput(context, id) });
  return { seat, id, generation, ref };
}

/** Puts a made worker on its seat, tells the engine, and starts it. An effect. */
function launch(context: PoolContext, worker: NewWorker, restart: boolean): void {
  const { effects } = context;
  const { seat, id, generation, ref } = worker;
  effects.seats.nextWorker(seat);
  effects.seats.addWorker(id, seat, ref);
  effects.attach(id, seat, generation, ref, restart);
  ref.start();
}

/** Why a pool gives up, from the event that made it. */
function failureOf(context: PoolContext, event: PoolMachineEvent): PoolFailedError {
  const { name, supervision } = context;
  if (event.type === 'supervisor.escalate')
    return new PoolFailedError(name, event.error.restarts, event.error.withinMs, event.error.cause);
  if (event.type === 'worker.crashed')
    return new PoolFailedError(
      name,
      0,
      supervision.withinMs,
      event.cause,
      `pool '${name}' failed: worker ${event.id} cannot work, and a restart cannot help: ${describeValue(event.cause)}`,
    );
  return new PoolFailedError(
    name,
    0,
    supervision.withinMs,
    undefined,
    `pool '${name}' failed: no workers left (restart: '${supervision.restart}')`,
  );
}

/**
 * Carries out a resize on the seats: when shrinking, gives up seats — a retiring idle worker's
 * first, then seats waiting for a restart (they have no worker), then the engine's picks — and
 * tells `events$` (and the supervisor) what changed. An effect.
 */
function resizeSeats(
  context: PoolContext,
  event: Extract<PoolMachineEvent, { type: 'pool.resize' }>,
  from: number,
): void {
  const { effects } = context;
  const seats = effects.seats;
  let excess = seats.size - event.size;
  if (excess > 0) {
    const retired =
      event.retire !== undefined && seats.has(event.retire) && effects.retireSeat(event.retire)
        ? [event.retire]
        : [];
    excess -= retired.length;
    const live = effects.liveSeats();
    const idle: string[] = [];
    for (const seat of seats.seats()) {
      if (idle.length >= excess) break;
      if (!live.has(seat) && !retired.includes(seat)) idle.push(seat);
    }
    excess -= idle.length;
    const removed = new Set([...retired, ...idle, ...effects.shrink(excess)]);
    for (const seat of removed) {
      seats.removeSeat(seat);
      tellSupervisor(context, { type: 'child.removed', id: seat });
    }
  }
  if (event.size === from) return;
  effects.emit({ type: 'pool.resized', from, to: event.size });
  if (event.because !== undefined) {
    effects.emit({
      type: event.size > from ? 'scale.up' : 'scale.down',
      from,
      to: event.size,
      because: event.because,
      detail: event.detail ?? '',
      dryRun: false,
    });
  }
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
 * (restart seats after a backoff, forget a seat, or fail). Plain logic: every effect — the
 * engine driven through open, close, drain and stop, workers started, `events$` told — goes
 * through `PoolEffects` from its input, in named actions or actions enqueued by
 * `enqueueActions`; `assign` only computes context. Tasks never pass through the machine.
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
    drain: fromPromise<void, PoolEffects>(({ input }) => input.whenIdle()),
  },
  guards: {
    // (A dynamic pool with min 0 starts with no worker: it is ready at once.)
    allReady: ({ context }) => {
      const seats = context.effects.seats;
      return (seats.size > 0 || context.size === 0) && context.effects.readyCount() >= seats.size;
    },
    noWorkers: ({ context }) => context.effects.seats.workerCount === 0,
    abort: ({ event }) => event.type === 'pool.close' && event.abort,
    // The last worker is gone for good: a pool that may not be empty has failed (one whose
    // `min` is 0 just shrinks to none, and demand starts a worker again).
    lastSeat: ({ context, event }) =>
      event.type === 'supervisor.forget' &&
      context.effects.seats.soleSeat() === event.id &&
      !context.effects.mayBeEmpty(),
    // A worker that cannot work however often it is restarted (a module that cannot be
    // loaded): restarting it would only spend the restart limit first.
    unrecoverable: ({ event }) =>
      event.type === 'worker.crashed' && isInstance(event.cause, UnrecoverableError),
  },
  actions: {
    open: ({ context }) => context.effects.open(),
    refuseStopped: ({ context }) =>
      context.effects.refuse(
        'pool-closed',
        `pool '${context.name}' is stopped: call start() first`,
      ),
    /** A fresh supervisor and seat list for this life of the pool. */
    begin: enqueueActions(({ context, enqueue }) => {
      if (context.supervisor !== undefined) enqueue(stopChild(context.supervisor));
      const seats = context.effects.seats;
      enqueue(() => seats.clearSeats());
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
    fill: enqueueActions(({ context, enqueue, self }) => {
      const seats = context.effects.seats;
      const wanted = Math.min(context.size - seats.size, context.effects.workerRoom(seats));
      if (!(wanted > 0)) return;
      const made: NewWorker[] = [];
      for (let k = 1; k <= wanted; k++)
        made.push(makeWorker(context, self, seats.upcomingSeat(context.name, k)));
      enqueue(() => {
        for (const worker of made) {
          seats.addSeat(context.name);
          tellSupervisor(context, { type: 'child.added', id: worker.seat });
          launch(context, worker, true);
        }
      });
    }),
    /** Starts a new worker on each seat the supervisor restarts (still wanted, not already filled). */
    respawn: enqueueActions(({ context, event, enqueue, self }) => {
      if (event.type !== 'seats.respawn') return;
      const { delayId } = event;
      if (delayId !== undefined)
        enqueue.assign({ pendingRespawns: context.pendingRespawns.filter((id) => id !== delayId) });
      if (event.epoch !== context.epoch) return;
      const { seats } = context.effects;
      const live = context.effects.liveSeats();
      const made: NewWorker[] = [];
      for (const seat of event.seats) {
        if (seats.has(seat) && !live.has(seat)) made.push(makeWorker(context, self, seat));
      }
      if (made.length === 0) return;
      const restart = event.replaced !== true;
      enqueue(() => {
        for (const worker of made) launch(context, worker, restart);
      });
    }),
    workerReady: ({ context, event }) => {
      if (event.type !== 'worker.ready') return;
      context.effects.ready(event.id, event.resource);
      const seats = context.effects.seats;
      const seat = seats.seatOf(event.id);
      // A worker whose seat a shrink gave up is stopping: it is no child of the supervisor.
      if (seat !== undefined && seats.has(seat)) {
        tellSupervisor(context, { type: 'child.started', id: seat });
      }
    },
    /** An executor gave its worker up on purpose: settle what ran on it (not a crash). */
    workerReplacing: ({ context, event }) => {
      if (event.type === 'worker.replacing') context.effects.replacing(event.id, event.cause);
    },
    /** … and its seat, if still wanted, gets a new worker at once. */
    respawnReplaced: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'worker.replacing') return;
      const seats = context.effects.seats;
      const seat = seats.seatOf(event.id);
      if (seat === undefined || !seats.has(seat)) return;
      enqueue(
        raise({ type: 'seats.respawn', seats: [seat], epoch: context.epoch, replaced: true }),
      );
    }),
    workerCrashed: ({ context, event }) => {
      if (event.type === 'worker.crashed') context.effects.crashed(event.id, event.cause);
    },
    /** Settles the crash, and tells the supervisor when a wanted seat lost its worker unplanned. */
    workerCrashedSupervised: ({ context, event }) => {
      if (event.type !== 'worker.crashed') return;
      const unplanned = context.effects.crashed(event.id, event.cause);
      const seats = context.effects.seats;
      const seat = seats.seatOf(event.id);
      if (!unplanned || seat === undefined || !seats.has(seat)) return;
      tellSupervisor(context, {
        type: 'child.exited',
        id: seat,
        abnormal: true,
        cause: event.cause,
      });
    },
    workerStopped: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'worker.stopped') return;
      const { effects } = context;
      const { id, teardownError } = event;
      const ref = effects.seats.workerOf(id);
      enqueue(() => {
        effects.stopped(id, teardownError);
        effects.seats.removeWorker(id);
      });
      // A worker in `stopped` is still an actor until stopped explicitly: without this every
      // restart would leave one behind.
      if (ref !== undefined) enqueue(stopChild(ref));
    }),
    /** Carries out a restart decision: stop the siblings now, start the seats after the delay. */
    restart: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'supervisor.restart') return;
      const { effects } = context;
      const cause = new Error(`restarted with ${event.id} (${context.supervision.strategy})`, {
        cause: event.cause,
      });
      enqueue(() => {
        for (const seat of event.stop) effects.stopSeat(seat, cause);
        for (const seat of event.ids) {
          effects.emit({
            type: 'worker.restarting',
            workerId: seat,
            delayMs: event.delayMs,
            attempt: event.attempt,
          });
        }
      });
      const id = `respawn.${context.respawnsMade + 1}`;
      enqueue.assign({
        respawnsMade: context.respawnsMade + 1,
        pendingRespawns: [...context.pendingRespawns, id],
      });
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
      if (context.pendingRespawns.length === 0) return;
      for (const id of context.pendingRespawns) enqueue(cancel(id));
      enqueue.assign({ pendingRespawns: [] });
    }),
    /**
     * The supervisor will not restart a seat (restart type): the pool keeps one seat less. The
     * size asked for (`requestedSize`) stays: `getSnapshot().size` of a fixed pool shows it.
     */
    forgetSeat: enqueueActions(({ context, event, enqueue }) => {
      const seats = context.effects.seats;
      if (event.type !== 'supervisor.forget' || !seats.has(event.id)) return;
      const seat = event.id;
      enqueue(() => seats.removeSeat(seat));
      enqueue.assign({ size: seats.size - 1 });
    }),
    resize: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'pool.resize') return;
      const from = context.size;
      enqueue(() => resizeSeats(context, event, from));
      // The pool's own sizing does not move the size a new start begins with.
      const requestedSize = event.because === undefined ? event.size : context.requestedSize;
      enqueue.assign({ size: event.size, requestedSize });
    }),
    beginClose: enqueueActions(({ context, event, enqueue }) => {
      const { effects } = context;
      const abort = event.type === 'pool.close' && event.abort;
      enqueue(() => {
        effects.refuse('pool-closed', `pool '${context.name}' is closing or closed`);
        if (abort) effects.abortAll(event.reason);
      });
      enqueue.assign({ aborting: abort });
    }),
    abortAll: enqueueActions(({ context, event, enqueue }) => {
      if (event.type === 'pool.timeout' || (event.type === 'pool.close' && event.abort)) {
        const { effects } = context;
        const { reason } = event;
        enqueue(() => effects.abortAll(reason));
        if (event.type === 'pool.close') enqueue.assign({ aborting: true });
      }
    }),
    stopWorkers: ({ context }) => context.effects.stopAll(),
    /**
     * Stops waiting for every worker still in its setup or teardown (a close past its deadline,
     * or aborted while waiting): each is reported `worker.abandoned` and its actor stopped, which
     * aborts a setup's signal; what its setup or teardown still does is no longer awaited.
     */
    forgetWorkers: enqueueActions(({ context, enqueue }) => {
      const { effects } = context;
      const refs = effects.seats.workerRefs();
      enqueue(() => {
        effects.forget();
        effects.seats.clearWorkers();
      });
      for (const ref of refs) enqueue(stopChild(ref));
    }),
    /** An aborting close waits for no setup: workers still in theirs are abandoned. */
    abandonSetups: enqueueActions(({ context, enqueue }) => {
      if (!context.aborting) return;
      const { effects } = context;
      const ids = effects.startingWorkers();
      if (ids.length === 0) return;
      const refs = ids.map((id) => effects.seats.workerOf(id));
      enqueue(() => {
        effects.abandonStarting();
        for (const id of ids) effects.seats.removeWorker(id);
      });
      for (const ref of refs) if (ref !== undefined) enqueue(stopChild(ref));
    }),
    /** Gives up: refuse submits, reject what waits, cancel what runs, stop every worker. */
    fail: enqueueActions(({ context, event, enqueue }) => {
      const failure = failureOf(context, event);
      enqueue.assign({ failure });
      const { effects } = context;
      enqueue(() => {
        effects.refuse('pool-failed', failure.message);
        effects.rejectQueued('pool-failed', failure.message);
        effects.abortAll(failure);
        effects.stopAll();
        effects.emit({ type: 'pool.failed', error: failure });
      });
    }),
  },
}).createMachine({
  id: 'pool',
  initial: 'stopped',
  context: ({ input }) => ({
    name: input.name,
    logic: input.logic,
    effects: input.effects,
    clock: input.clock,
    supervision: input.supervision,
    random: input.random,
    size: input.size,
    requestedSize: input.size,
    supervisor: undefined,
    epoch: 0,
    aborting: false,
    failure: undefined,
    pendingRespawns: [],
    respawnsMade: 0,
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
            input: ({ context }) => context.effects,
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
