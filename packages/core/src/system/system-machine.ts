import { fromPromise, setup } from 'xstate';
import { poolMachine } from '../pool/pool-machine.js';
import { supervisorMachine } from '../supervision/supervisor-machine.js';
import {
  allRunning,
  begin,
  cancelRestarts,
  fail,
  markClosed,
  notClosed,
  recordState,
  restartPools,
  scheduleRestart,
  spawnPool,
  startAdded,
  stopPool,
  stopSupervisor,
  superviseAll,
  superviseState,
  unsupervise,
} from './system-machine-actions.js';
import {
  closedOutside,
  exitClosed,
  markLost,
  replaceLost,
  respawnPool,
} from './system-machine-lost.js';
import type {
  SystemContext,
  SystemEffects,
  SystemMachineEvent,
  SystemMachineInput,
} from './system-machine-types.js';

export type {
  SystemContext,
  SystemEffects,
  SystemMachineEvent,
  SystemMachineInput,
  SystemState,
} from './system-machine-types.js';

/** What `starting` and `running` both do: supervise the pools, take new ones, close. */
const supervising = {
  'pool.state': { actions: 'superviseState' },
  'supervisor.restart': { actions: 'scheduleRestart' },
  'pools.restart': { actions: 'restartPools' },
  'supervisor.escalate': { target: 'failed', actions: 'fail' },
  'pool.join': { actions: 'startAdded' },
  'pool.removed': { actions: 'unsupervise' },
  'pool.closed': { guard: 'closedOutside', actions: ['markLost', 'exitClosed'] },
  'pool.respawn': { actions: 'respawnPool' },
  'system.close': 'closing',
} as const;

/**
 * A system of pools as the root supervisor: `stopped → starting → running → closing → stopped`,
 * and `failed` when its pools fail more often than its supervision allows. It spawns each
 * pool's actor as its child and a supervisor actor (`supervisorMachine`, with the pools as its
 * children in declaration order); a pool entering `failed` is an exit told to the supervisor,
 * whose decision it carries out through the clock: restart the pool (or, under `one-for-all`
 * and `rest-for-one`, its siblings too), or escalate — the system fails once and closes every
 * member. A pool closed through its own handle (`pool.closed`) is an exit too, under the same
 * limits; its restart is a replacement (`effects.replacePool`, then `pool.respawn` spawns the
 * new actor in its seat). Plain logic: it starts and restarts its pool actors with events (`sendTo`); closing,
 * `events$` and what it reads of the pools go through `SystemEffects` in its input; pool states
 * come in as `pool.state` events. Never ends in XState's `error` status: a
 * close that throws ends in `stopped` too.
 */
export const systemMachine = setup({
  types: {
    input: {} as SystemMachineInput,
    context: {} as SystemContext,
    events: {} as SystemMachineEvent,
  },
  actors: {
    pool: poolMachine,
    supervisor: supervisorMachine,
    close: fromPromise<void, SystemEffects>(({ input }) => input.close()),
  },
  guards: { allRunning, notClosed, closedOutside },
  actions: {
    begin,
    superviseAll,
    recordState,
    superviseState,
    scheduleRestart,
    restartPools,
    cancelRestarts,
    stopSupervisor,
    fail,
    spawnPool,
    startAdded,
    unsupervise,
    stopPool,
    markClosed,
    markLost,
    replaceLost,
    exitClosed,
    respawnPool,
  },
}).createMachine({
  id: 'system',
  initial: 'stopped',
  context: ({ input, spawn }) => {
    const ids: Record<string, string> = {};
    const states: Record<string, 'stopped'> = {};
    for (const name of input.pools) {
      const { id, input: poolInput } = input.effects.poolActor(name);
      spawn('pool', { id, input: poolInput });
      ids[name] = id;
      states[name] = 'stopped';
    }
    return {
      name: input.name,
      supervision: input.supervision,
      clock: input.clock,
      random: input.random,
      effects: input.effects,
      pools: [...input.pools],
      ids,
      lost: [],
      leaving: [],
      states,
      supervisor: undefined,
      lastFailure: undefined,
      failure: undefined,
      pendingRestarts: [],
      restartsMade: 0,
      closed: false,
    };
  },
  on: {
    'pool.state': { actions: 'recordState' },
    'pool.added': { actions: 'spawnPool' },
    'pool.removed': { actions: 'unsupervise' },
    'pool.gone': { actions: 'stopPool' },
  },
  states: {
    stopped: {
      on: {
        'system.start': {
          guard: 'notClosed',
          target: 'starting',
          actions: ['begin', 'superviseAll'],
        },
        'system.close': 'closing',
        'pool.closed': { guard: 'closedOutside', actions: ['markLost', 'replaceLost'] },
        'pool.respawn': { actions: 'respawnPool' },
      },
    },
    starting: {
      always: { guard: 'allRunning', target: 'running' },
      on: supervising,
    },
    running: {
      on: supervising,
    },
    closing: {
      entry: ['markClosed', 'cancelRestarts', 'stopSupervisor'],
      invoke: {
        src: 'close',
        input: ({ context }) => context.effects,
        onDone: 'stopped',
        onError: 'stopped',
      },
    },
    failed: {
      entry: ['cancelRestarts', 'stopSupervisor'],
      // Every member closes; `close()` ends in `stopped` once they have.
      invoke: { src: 'close', input: ({ context }) => context.effects },
      on: { 'system.close': 'closing' },
    },
  },
});
