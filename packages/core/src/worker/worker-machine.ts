import { assign, enqueueActions, fromPromise, sendParent, setup, stopChild } from 'xstate';
import { setupWorker } from './worker-setup.js';
import type {
  WorkerContext,
  WorkerEvent,
  WorkerInput,
  WorkerParentEvent,
} from './worker-machine-types.js';

export type {
  RunReporter,
  WorkerContext,
  WorkerEvent,
  WorkerInput,
  WorkerParentEvent,
} from './worker-machine-types.js';

/** The worker state values, as the pool reports them. */
export type WorkerState = 'starting' | 'idle' | 'busy' | 'stopping' | 'stopped' | 'crashed';

/** The setup's actor, while a worker whose logic has a `setup` is `starting`. */
const SETUP = 'setup';

/** What a worker does once set up: on to `idle` (telling the pool), or to `stopping` if asked to stop meanwhile. */
const setUp = [
  { guard: 'stopRequested', target: 'stopping', actions: 'keepResource' },
  { target: 'idle', actions: ['keepResource', 'notifyReady'] },
] as const;

/**
 * A worker's lifecycle: `starting` (its `setup` runs) → `idle` ⇄ `busy` → `stopping` (its
 * `teardown` runs) → `stopped`, or → `crashed` (then its resource is released) → `stopped`
 * (where it waits for the pool to stop the actor).
 * A worker its executor gives up on purpose (`replace`) tells the pool and stops.
 *
 * The pool sends `task.started` / `task.finished` only on the idle ⇄ busy edges: a worker that
 * goes straight from one task to the next stays `busy` without an event, so the per-task hot
 * path costs no actor event.
 */
export const workerMachine = setup({
  types: {
    input: {} as WorkerInput,
    context: {} as WorkerContext,
    events: {} as WorkerEvent,
  },
  actors: {
    setupWorker,
    teardownWorker: fromPromise<void, { context: WorkerContext; reason: 'stop' | 'crash' }>(
      async ({ input }) => {
        const { logic, id, resource } = input.context;
        if (logic.teardown === undefined || !input.context.hasResource) return;
        await logic.teardown(resource, { workerId: id, reason: input.reason });
      },
    ),
  },
  actions: {
    notifyReady: sendParent(({ context }): WorkerParentEvent => ({
      type: 'worker.ready',
      id: context.id,
      resource: context.resource,
    })),
    notifyCrashed: sendParent(({ context }): WorkerParentEvent => ({
      type: 'worker.crashed',
      id: context.id,
      cause: context.cause,
    })),
    notifyReplacing: sendParent(({ context, event }): WorkerParentEvent => ({
      type: 'worker.replacing',
      id: context.id,
      cause: (event as { cause?: unknown }).cause,
    })),
    notifyStopped: sendParent(({ context }): WorkerParentEvent =>
      context.teardownError === undefined
        ? { type: 'worker.stopped', id: context.id }
        : { type: 'worker.stopped', id: context.id, teardownError: context.teardownError },
    ),
    recordCrash: assign({
      cause: ({ event }) => (event as { cause?: unknown }).cause,
    }),
    /**
     * A logic with a `setup` runs it as the child actor `setup` (stopped on leaving `starting`,
     * which aborts its signal). One without has nothing to wait for, and is set up a microtask
     * later — not at once, so that `start()` still leaves a pool `starting` — with no actor:
     * an actor and its events per worker were most of the cost of starting many small pools.
     */
    beginSetup: enqueueActions(({ context, self, enqueue }) => {
      if (context.logic.setup !== undefined) {
        enqueue.spawnChild('setupWorker', { id: SETUP, input: { context, self } });
        return;
      }
      enqueue(() =>
        queueMicrotask(() => {
          if (self.getSnapshot().status === 'active') self.send({ type: 'worker.set-up' });
        }),
      );
    }),
    keepResource: assign({
      resource: ({ event }) =>
        event.type === 'worker.set-up' ? undefined : (event as { output?: unknown }).output,
      hasResource: true,
    }),
  },
  guards: {
    stopRequested: ({ context }) => context.stopRequested,
    // Without a teardown to run, a stop invokes no actor for it (each costs an actor and a
    // signal: closing a pool of 10,000 plain functions stops 10,000 workers).
    nothingToTearDown: ({ context }) => context.logic.teardown === undefined,
  },
}).createMachine({
  id: 'worker',
  initial: 'starting',
  context: ({ input }) => ({
    id: input.id,
    logic: input.logic,
    clock: input.clock,
    setupTimeoutMs: input.setupTimeoutMs,
    lateTeardownFailed: input.lateTeardownFailed,
    runs: input.runs,
    resource: undefined,
    hasResource: false,
    cause: undefined,
    stopRequested: false,
    teardownError: undefined,
  }),
  states: {
    starting: {
      entry: 'beginSetup',
      exit: stopChild(SETUP),
      on: {
        [`xstate.done.actor.${SETUP}`]: setUp,
        'worker.set-up': setUp,
        [`xstate.error.actor.${SETUP}`]: {
          target: 'crashed',
          actions: assign({ cause: ({ event }) => (event as { error?: unknown }).error }),
        },
        'worker.stop': { actions: assign({ stopRequested: true }) },
        'worker.crash': { target: 'crashed', actions: 'recordCrash' },
      },
    },
    idle: {
      on: {
        'task.started': 'busy',
        'worker.stop': [{ guard: 'nothingToTearDown', target: 'stopped' }, 'stopping'],
        'worker.crash': { target: 'crashed', actions: 'recordCrash' },
        'worker.replace': { target: 'stopping', actions: 'notifyReplacing' },
      },
    },
    busy: {
      on: {
        'task.finished': 'idle',
        'worker.stop': [{ guard: 'nothingToTearDown', target: 'stopped' }, 'stopping'],
        'worker.crash': { target: 'crashed', actions: 'recordCrash' },
        'worker.replace': { target: 'stopping', actions: 'notifyReplacing' },
      },
    },
    stopping: {
      invoke: {
        src: 'teardownWorker',
        input: ({ context }) => ({ context, reason: 'stop' as const }),
        onDone: 'stopped',
        onError: {
          target: 'stopped',
          actions: assign({ teardownError: ({ event }) => event.error }),
        },
      },
    },
    crashed: {
      entry: 'notifyCrashed',
      invoke: {
        src: 'teardownWorker',
        input: ({ context }) => ({ context, reason: 'crash' as const }),
        onDone: 'stopped',
        onError: {
          target: 'stopped',
          actions: assign({ teardownError: ({ event }) => event.error }),
        },
      },
    },
    // Not a final state: a final one sends the pool `xstate.done.actor.<worker id>`, an event
    // type per worker, and XState caches transitions per event type for good (memory growing
    // with every restart). The pool stops the actor when told it stopped.
    stopped: {
      entry: 'notifyStopped',
    },
  },
});
