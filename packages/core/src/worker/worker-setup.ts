import { fromPromise, type AnyActorRef } from 'xstate';
import type { TimerHandle } from '../time/clock.js';
import { InvalidOptionError } from '../errors.js';
import type { WorkerSetupContext } from './worker-logic.js';
import type { WorkerContext } from './worker-machine-types.js';

/**
 * A worker's `setup`, as the promise actor its machine invokes in `starting`: the logic's setup
 * given its context (the worker's id, signal, and the calls its executor reports runs with),
 * within `supervision.setupTimeoutMs`. Resolves with the resource.
 */
export const setupWorker = fromPromise<unknown, { context: WorkerContext; self: AnyActorRef }>(
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
);

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
