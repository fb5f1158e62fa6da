import { fromPromise, setup } from 'xstate';
import { supervisorMachine } from '../supervision/supervisor-machine.js';
import { workerMachine } from '../worker/worker-machine.js';
import type { PoolEffects } from './pool-effects.js';
import {
  abort,
  allReady,
  lastSeat,
  noWorkers,
  soleSeatGone,
  unrecoverable,
} from './pool-machine-guards.js';
import type { PoolContext, PoolMachineEvent, PoolMachineInput } from './pool-machine-types.js';
import {
  fill,
  respawn,
  respawnReplaced,
  workerCrashed,
  workerReady,
  workerReplacing,
  workerStopped,
} from './pool-machine-workers.js';
import {
  begin,
  cancelRespawns,
  fail,
  forgetSeat,
  restart,
  workerCrashedSupervised,
} from './pool-machine-supervision.js';
import { resize } from './pool-machine-resize.js';
import {
  abandonSetups,
  abortAll,
  beginClose,
  forgetWorkers,
  open,
  refuseStopped,
  stopWorkers,
} from './pool-machine-closing.js';

export type { PoolContext, PoolMachineEvent, PoolMachineInput } from './pool-machine-types.js';

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
 * supervisor gives up. The pool spawns a worker actor per seat, and a supervisor actor at the
 * first crash of each start; a crash is an event to the pool, which reports it to the supervisor
 * and carries out its decision
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
  guards: { allReady, noWorkers, abort, lastSeat, soleSeatGone, unrecoverable },
  // Each named after what it does; the guards and actions live in pool-machine-*.ts by concern.
  actions: {
    // the door and the close (pool-machine-closing.ts)
    open,
    refuseStopped,
    beginClose,
    abortAll,
    stopWorkers,
    forgetWorkers,
    abandonSetups,
    // the supervisor (pool-machine-supervision.ts)
    begin,
    restart,
    cancelRespawns,
    forgetSeat,
    fail,
    // the workers (pool-machine-workers.ts)
    fill,
    respawn,
    workerReady,
    workerReplacing,
    respawnReplaced,
    workerCrashed,
    workerCrashedSupervised,
    workerStopped,
    // the size (pool-machine-resize.ts)
    resize,
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
            // Draining, the last worker gone for good fails what still waits, even in a pool
            // that may be empty: closing, it grows no worker again, and the drain must end.
            'supervisor.forget': [
              { guard: 'soleSeatGone', actions: ['forgetSeat', 'fail'] },
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
