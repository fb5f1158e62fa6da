import { assign, fromPromise, sendParent, setup } from 'xstate';
import type { AnyActorRef } from 'xstate';
import type { Clock, TimerHandle } from '../time/clock.js';
import { InvalidOptionError } from '../errors.js';
import type { WorkerLogic, WorkerSetupContext } from './worker-logic.js';

/**
 * Where a worker's executor reports what happens to single runs (`WorkerSetupContext`): the
 * pool gives every worker the same one (no closure per worker that could hold on to the pool).
 */
export interface RunReporter {
  reportStrayAnswer(workerId: string, taskId: number | undefined, detail: string): void;
  /** Counts a dropped answer (the `late` metric). */
  countLate(): void;
  requeueRun(workerId: string, taskId: number): void;
  limitLanes(workerId: string, limit: number): void;
  giveBack(workerId: string, taskIds: readonly number[]): void;
}

/** What a worker actor is started with. */
export interface WorkerInput {
  readonly id: string;
  readonly logic: WorkerLogic<unknown, unknown, unknown>;
  readonly clock: Clock;
  /** `supervision.setupTimeoutMs`: how long `setup` may take (`Infinity`: no limit). */
  readonly setupTimeoutMs: number;
  /** Told when tearing down a resource whose setup finished past the limit fails. */
  readonly lateTeardownFailed: (error: unknown) => void;
  /** Told of stray answers and the like (none: they are dropped unreported). */
  readonly runs?: RunReporter;
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
  readonly clock: Clock;
  readonly setupTimeoutMs: number;
  readonly lateTeardownFailed: (error: unknown) => void;
  readonly runs: RunReporter | undefined;
  resource: unknown;
  /** `true` once setup returned: only then is there a resource to tear down. */
  hasResource: boolean;
  cause: unknown;
  stopRequested: boolean;
  teardownError: unknown;
}

/**
 * Runs `setup` for at most `setupTimeoutMs` (on the pool's clock). Past it, the setup's signal
 * aborts, so that an executor stops what it started (a thread is terminated), and the worker
 * fails with an error naming the option — once the setup has ended, so that nothing it started
 * outlives the worker, or, for a setup that ignores its signal, after as long again. A resource
 * the setup still returns is torn down (`reason: 'crash'`); a failure of that teardown is the
 * pool's `worker.teardown-failed` event.
 */
async function setupWithin(
  context: WorkerContext,
  actorSignal: AbortSignal,
  setupContext: (signal: AbortSignal) => WorkerSetupContext,
): Promise<unknown> {
  const { logic, id, clock, setupTimeoutMs, lateTeardownFailed } = context;
  const controller = new AbortController();
  let timer: TimerHandle;
  // The actor stopped (a close past its deadline): no timeout any more, nothing waits for it.
  const onActorAbort = (): void => {
    clock.clearTimeout(timer);
    controller.abort(actorSignal.reason);
  };
  const setup = Promise.resolve(logic.setup!(setupContext(controller.signal)));
  const outcome = await new Promise<Outcome>((settle) => {
    let timeout: Error | undefined;
    timer = clock.setTimeout(() => {
      timeout = new Error(
        `worker ${id}'s setup did not finish within ${setupTimeoutMs} ms (supervision.setupTimeoutMs)`,
      );
      controller.abort(timeout);
      const error = timeout;
      timer = clock.setTimeout(() => settle({ failed: true, value: error }), setupTimeoutMs);
    }, setupTimeoutMs);
    if (actorSignal.aborted) onActorAbort();
    else actorSignal.addEventListener('abort', onActorAbort, { once: true });
    const settled = (): void => {
      actorSignal.removeEventListener('abort', onActorAbort);
      clock.clearTimeout(timer);
    };
    setup.then(
      (resource) => {
        settled();
        if (timeout === undefined && !actorSignal.aborted)
          return settle({ failed: false, value: resource });
        settle({ failed: true, value: timeout ?? actorSignal.reason });
        if (logic.teardown !== undefined) {
          // Too late: nobody will use it, so it is released here.
          Promise.resolve()
            .then(() => logic.teardown!(resource, { workerId: id, reason: 'crash' }))
            .catch(lateTeardownFailed);
        }
      },
      (error: unknown) => {
        settled();
        settle({ failed: true, value: timeout ?? error });
      },
    );
  });
  if (outcome.failed) throw outcome.value;
  return outcome.value;
}

/** How a timed setup ended: its resource, or why it failed (as it is: not always an Error). */
interface Outcome {
  readonly failed: boolean;
  readonly value: unknown;
}

/** The worker state values, as the pool reports them. */
export type WorkerState = 'starting' | 'idle' | 'busy' | 'stopping' | 'stopped' | 'crashed';

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
    setupWorker: fromPromise<unknown, { context: WorkerContext; self: AnyActorRef }>(
      async ({ input, signal }) => {
        const { logic, id, setupTimeoutMs, runs } = input.context;
        if (logic.setup === undefined) return undefined;
        const worker = input.self;
        const setupContext = (abort: AbortSignal): WorkerSetupContext => ({
          workerId: id,
          signal: abort,
          crash: (cause) => worker.send({ type: 'worker.crash', cause }),
          replace: (cause) => worker.send({ type: 'worker.replace', cause }),
          strayAnswer: (taskId, detail) => {
            runs?.countLate();
            runs?.reportStrayAnswer(id, taskId, detail);
          },
          requeue: (taskId) => runs?.requeueRun(id, taskId),
          limitLanes: (limit) => {
            const lanes = logic.concurrency ?? 1;
            if (!Number.isInteger(limit) || limit < 1 || limit > lanes)
              throw new InvalidOptionError(
                'limitLanes',
                limit,
                `a whole number from 1 to ${lanes} (the worker's concurrency)`,
              );
            runs?.limitLanes(id, limit);
          },
          giveBack: (taskIds) => runs?.giveBack(id, taskIds),
        });
        if (setupTimeoutMs === Infinity) return await logic.setup(setupContext(signal));
        return await setupWithin(input.context, signal, setupContext);
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
