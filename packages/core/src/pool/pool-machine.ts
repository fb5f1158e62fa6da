import { assign, enqueueActions, fromPromise, setup, stopChild, type ActorRefFrom } from 'xstate';
import type { Dispatcher } from './dispatcher.js';
import { workerMachine, type WorkerParentEvent } from '../worker/worker-machine.js';
import type { WorkerLogic } from '../worker/worker-logic.js';
import type { Clock } from '../time/clock.js';

/** Why a pool gave up: its workers crashed more often than its restart limit allows. */
export class PoolFailedError extends Error {
  override readonly name = 'PoolFailedError';
  constructor(
    readonly pool: string,
    readonly restarts: number,
    readonly withinMs: number,
    override readonly cause: unknown,
  ) {
    super(
      `pool '${pool}' failed: ${restarts} worker restarts within ${withinMs} ms (last cause: ${cause instanceof Error ? cause.message : String(cause)})`,
      { cause },
    );
  }
}

/** Restart limits: more than `maxRestarts` worker replacements within `withinMs` fail the pool. */
export interface RestartLimit {
  /** @default 5 */
  readonly maxRestarts: number;
  /** @default 10_000 */
  readonly withinMs: number;
}

/** What the pool actor is started with. */
export interface PoolMachineInput {
  readonly name: string;
  readonly size: number;
  readonly logic: WorkerLogic<unknown, unknown, unknown>;
  readonly dispatcher: Dispatcher<unknown, unknown>;
  readonly clock: Clock;
  readonly restartLimit: RestartLimit;
}

/** Events the pool actor takes: lifecycle calls from the pool handle, and its workers' reports. */
export type PoolMachineEvent =
  | { type: 'pool.start' }
  | { type: 'pool.close'; abort: boolean; reason: unknown }
  | { type: 'pool.timeout'; reason: unknown }
  | { type: 'pool.resize'; size: number }
  | WorkerParentEvent;

type WorkerRef = ActorRefFrom<typeof workerMachine>;

/** A pool actor's context. */
export interface PoolContext {
  readonly name: string;
  readonly logic: WorkerLogic<unknown, unknown, unknown>;
  readonly dispatcher: Dispatcher<unknown, unknown>;
  readonly clock: Clock;
  readonly restartLimit: RestartLimit;
  size: number;
  nextWorker: number;
  workers: Record<string, WorkerRef>;
  /** Clock times of recent restarts, for the restart limit. */
  restarts: number[];
  failure: PoolFailedError | undefined;
}

/**
 * A pool's lifecycle: `stopped → starting → running → closing → stopped`, and `failed` when its
 * workers crash more often than the restart limit allows. The machine spawns and replaces
 * worker actors and drives the dispatcher (the per-task hot path) through open, close, drain
 * and stop; tasks themselves never pass through it.
 */
export const poolMachine = setup({
  types: {
    input: {} as PoolMachineInput,
    context: {} as PoolContext,
    events: {} as PoolMachineEvent,
  },
  actors: {
    worker: workerMachine,
    drain: fromPromise<void, Dispatcher<unknown, unknown>>(({ input }) => input.whenIdle()),
  },
  guards: {
    allReady: ({ context }) => context.dispatcher.readyCount() >= context.size,
    noWorkers: ({ context }) => Object.keys(context.workers).length === 0,
    overRestartLimit: ({ context }) => {
      const { maxRestarts, withinMs } = context.restartLimit;
      const now = context.clock.now();
      return context.restarts.filter((t) => t > now - withinMs).length >= maxRestarts;
    },
  },
  actions: {
    open: ({ context }) => context.dispatcher.open(),
    refuseStopped: ({ context }) =>
      context.dispatcher.refuse(
        'pool-closed',
        `pool '${context.name}' is stopped: call start() first`,
      ),
    /** Spawns workers until `size` of them count towards the pool. */
    fill: assign(({ context, spawn }) => {
      const workers = { ...context.workers };
      let nextWorker = context.nextWorker;
      for (let live = context.dispatcher.liveCount(); live < context.size; live++) {
        const id = `${context.name}-w${++nextWorker}`;
        const ref = spawn('worker', { id, input: { id, logic: context.logic } });
        workers[id] = ref;
        context.dispatcher.attach(id, ref);
      }
      return { workers, nextWorker };
    }),
    workerReady: ({ context, event }) => {
      if (event.type === 'worker.ready') context.dispatcher.ready(event.id, event.resource);
    },
    workerCrashed: ({ context, event }) => {
      if (event.type === 'worker.crashed') context.dispatcher.crashed(event.id, event.cause);
    },
    recordRestart: assign({
      restarts: ({ context }) => {
        const now = context.clock.now();
        return [...context.restarts.filter((t) => t > now - context.restartLimit.withinMs), now];
      },
    }),
    workerStopped: assign(({ context, event }) => {
      if (event.type !== 'worker.stopped') return {};
      context.dispatcher.stopped(event.id, event.teardownError);
      const workers = { ...context.workers };
      delete workers[event.id];
      return { workers };
    }),
    resize: assign(({ context, event }) => {
      if (event.type !== 'pool.resize') return {};
      const live = context.dispatcher.liveCount();
      if (event.size < live) context.dispatcher.shrink(live - event.size);
      if (event.size !== context.size) {
        context.dispatcher.events$.next({
          type: 'pool.resized',
          from: context.size,
          to: event.size,
        });
      }
      return { size: event.size };
    }),
    beginClose: ({ context, event }) => {
      const d = context.dispatcher;
      d.refuse('pool-closed', `pool '${context.name}' is closing or closed`);
      if (event.type === 'pool.close' && event.abort) d.abortAll(event.reason);
    },
    abortAll: ({ context, event }) => {
      if (event.type === 'pool.timeout' || (event.type === 'pool.close' && event.abort)) {
        context.dispatcher.abortAll(event.reason);
      }
    },
    stopWorkers: ({ context }) => context.dispatcher.stopAll(),
    forgetWorkers: enqueueActions(({ context, enqueue }) => {
      for (const ref of Object.values(context.workers)) enqueue(stopChild(ref));
      context.dispatcher.forget();
      enqueue.assign({ workers: {} });
    }),
    fail: assign(({ context, event }) => {
      const cause = event.type === 'worker.crashed' ? event.cause : undefined;
      const { maxRestarts, withinMs } = context.restartLimit;
      const failure = new PoolFailedError(context.name, maxRestarts, withinMs, cause);
      const d = context.dispatcher;
      d.refuse('pool-failed', failure.message);
      d.rejectQueued('pool-failed', failure.message);
      d.abortAll(failure);
      d.stopAll();
      return { failure };
    }),
    resetRestarts: assign({ restarts: [], failure: undefined }),
  },
}).createMachine({
  id: 'pool',
  initial: 'stopped',
  context: ({ input }) => ({
    name: input.name,
    logic: input.logic,
    dispatcher: input.dispatcher,
    clock: input.clock,
    restartLimit: input.restartLimit,
    size: input.size,
    nextWorker: 0,
    workers: {},
    restarts: [],
    failure: undefined,
  }),
  on: {
    'worker.ready': { actions: 'workerReady' },
    'worker.stopped': { actions: 'workerStopped' },
    'worker.crashed': { actions: 'workerCrashed' },
  },
  states: {
    stopped: {
      entry: 'refuseStopped',
      on: { 'pool.start': { target: 'starting', actions: 'resetRestarts' } },
    },
    starting: {
      entry: ['open', 'fill'],
      always: { guard: 'allReady', target: 'running' },
      on: {
        'pool.close': 'closing',
        'pool.resize': { actions: ['resize', 'fill'] },
        'worker.crashed': [
          { guard: 'overRestartLimit', target: 'failed', actions: ['workerCrashed', 'fail'] },
          { actions: ['workerCrashed', 'recordRestart', 'fill'] },
        ],
      },
    },
    running: {
      on: {
        'pool.close': 'closing',
        'pool.resize': { actions: ['resize', 'fill'] },
        'worker.crashed': [
          { guard: 'overRestartLimit', target: 'failed', actions: ['workerCrashed', 'fail'] },
          { actions: ['workerCrashed', 'recordRestart', 'fill'] },
        ],
      },
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
            // Queued tasks still need workers to drain: replace crashed ones, within the limit.
            'worker.crashed': [
              { guard: 'overRestartLimit', actions: ['workerCrashed', 'fail'] },
              { actions: ['workerCrashed', 'recordRestart', 'fill'] },
            ],
          },
        },
        stopping: {
          entry: 'stopWorkers',
          always: { guard: 'noWorkers', target: '#pool.stopped' },
        },
      },
    },
    failed: {
      on: {
        'pool.start': { target: 'starting', actions: 'resetRestarts' },
        'pool.close': 'closing',
      },
    },
  },
});
