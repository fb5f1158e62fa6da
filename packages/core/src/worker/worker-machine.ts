import { assign, fromPromise, sendParent, setup } from 'xstate';
import type { AnyActorRef } from 'xstate';
import type { WorkerLogic } from './worker-logic.js';

/** What a worker actor is started with. */
export interface WorkerInput {
  readonly id: string;
  readonly logic: WorkerLogic<unknown, unknown, unknown>;
}

/** Events a worker actor takes: lifecycle only; tasks themselves never pass through it. */
export type WorkerEvent =
  | { type: 'task.started' }
  | { type: 'task.finished' }
  | { type: 'worker.stop' }
  | { type: 'worker.crash'; cause: unknown }
  | { type: 'worker.replace'; cause: unknown };

/** Events a worker actor sends its parent (the pool). */
export type WorkerParentEvent =
  | { type: 'worker.ready'; id: string; resource: unknown }
  | { type: 'worker.crashed'; id: string; cause: unknown }
  | { type: 'worker.replacing'; id: string; cause: unknown }
  | { type: 'worker.stopped'; id: string; teardownError?: unknown };

/** A worker actor's context. */
export interface WorkerContext {
  readonly id: string;
  readonly logic: WorkerLogic<unknown, unknown, unknown>;
  resource: unknown;
  /** `true` once setup returned: only then is there a resource to tear down. */
  hasResource: boolean;
  cause: unknown;
  stopRequested: boolean;
  teardownError: unknown;
}

/** The worker state values, as the pool reports them. */
export type WorkerState = 'starting' | 'idle' | 'busy' | 'stopping' | 'stopped' | 'crashed';

/**
 * A worker's lifecycle: `starting` (its `setup` runs) → `idle` ⇄ `busy` → `stopping` (its
 * `teardown` runs) → `stopped`, or → `crashed` (then its resource is released) → `stopped`.
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
    setupWorker: fromPromise<unknown, { context: WorkerContext; self: AnyActorRef }>(
      async ({ input, signal }) => {
        const { logic, id } = input.context;
        if (logic.setup === undefined) return undefined;
        const worker = input.self;
        return await logic.setup({
          workerId: id,
          signal,
          crash: (cause) => worker.send({ type: 'worker.crash', cause }),
          replace: (cause) => worker.send({ type: 'worker.replace', cause }),
        });
      },
    ),
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
  },
  guards: {
    stopRequested: ({ context }) => context.stopRequested,
  },
}).createMachine({
  id: 'worker',
  initial: 'starting',
  context: ({ input }) => ({
    id: input.id,
    logic: input.logic,
    resource: undefined,
    hasResource: false,
    cause: undefined,
    stopRequested: false,
    teardownError: undefined,
  }),
  states: {
    starting: {
      invoke: {
        src: 'setupWorker',
        input: ({ context, self }) => ({ context, self }),
        onDone: [
          {
            guard: 'stopRequested',
            target: 'stopping',
            actions: assign({ resource: ({ event }) => event.output, hasResource: true }),
          },
          {
            target: 'idle',
            actions: [
              assign({ resource: ({ event }) => event.output, hasResource: true }),
              'notifyReady',
            ],
          },
        ],
        onError: {
          target: 'crashed',
          actions: assign({ cause: ({ event }) => event.error }),
        },
      },
      on: {
        'worker.stop': { actions: assign({ stopRequested: true }) },
        'worker.crash': { target: 'crashed', actions: 'recordCrash' },
      },
    },
    idle: {
      on: {
        'task.started': 'busy',
        'worker.stop': 'stopping',
        'worker.crash': { target: 'crashed', actions: 'recordCrash' },
        'worker.replace': { target: 'stopping', actions: 'notifyReplacing' },
      },
    },
    busy: {
      on: {
        'task.finished': 'idle',
        'worker.stop': 'stopping',
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
    stopped: {
      type: 'final',
      entry: 'notifyStopped',
    },
  },
});
