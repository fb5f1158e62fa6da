import { defer, EMPTY, of, type Observable } from 'rxjs';
import { TaskRejected } from '../errors.js';
import type { PoolMetrics } from '../metrics/metrics.js';
import type { PoolState, TaskOutcome } from '../pool/pool-events.js';
import type { SubmitOptions } from '../pool/submit-options.js';
import { err, unwrap, type TaskResult } from '../result.js';
import type { SinkSnapshot, TaskSink } from '../sink.js';

/**
 * A pipeline's stage by name: each call goes to the pool or balancer of that name in the system
 * now, so a pipeline already running follows a `reconfigure` that replaced the stage (tasks in
 * the old one finish there, new ones go to the new one). A stage no longer in the system refuses
 * (`TaskRejected`, `pool-closed`). Streams are those of the member when subscribed.
 */
export function namedStage(
  stage: string,
  current: (stage: string) => TaskSink<unknown, unknown> | undefined,
): TaskSink<unknown, unknown> {
  const gone = (): TaskResult<never> =>
    err(new TaskRejected('pool-closed', `stage '${stage}' is no longer in the system`));
  const submit = (input: unknown, options?: SubmitOptions): Promise<TaskResult<unknown>> =>
    current(stage)?.submit(input, options) ?? Promise.resolve(gone());
  return {
    name: stage,
    submit,
    run: (input, options) => submit(input, options).then(unwrap),
    submitMany: (inputs, options) =>
      current(stage)?.submitMany(inputs, options) ??
      Promise.resolve(Array.from(inputs, () => gone())),
    get capacity() {
      return current(stage)?.capacity ?? 0;
    },
    state$: defer((): Observable<PoolState> => current(stage)?.state$ ?? of('stopped')),
    results$: defer((): Observable<TaskOutcome<unknown>> => current(stage)?.results$ ?? EMPTY),
    metrics$: defer((): Observable<PoolMetrics> => current(stage)?.metrics$ ?? EMPTY),
    getSnapshot(): SinkSnapshot {
      const sink = current(stage);
      if (sink === undefined) throw new RangeError(`stage '${stage}' is no longer in the system`);
      return sink.getSnapshot();
    },
    onIdle: () => current(stage)?.onIdle() ?? Promise.resolve(),
    close: () => Promise.resolve(),
  };
}
