import { defer, EMPTY, of, type Observable } from 'rxjs';
import { TaskRejected } from '../errors.js';
import type { PoolMetrics } from '../metrics/metrics.js';
import type { PoolState, TaskOutcome } from '../pool/pool-events.js';
import type { SubmitOptions } from '../pool/submit-options.js';
import { err, isErr, unwrap, type TaskResult } from '../result.js';
import type { SinkSnapshot, TaskSink } from '../sink.js';

/** Where a named stage finds its member now, and whether it is being replaced. */
export interface StageLookup {
  /** The pool or balancer `stage` in the system now. */
  readonly current: (stage: string) => TaskSink<unknown, unknown> | undefined;
  /**
   * When `stage` (or a pool under it) was closed through its own handle and is being replaced:
   * resolves once the replacement runs; `undefined` otherwise.
   */
  readonly replaced: (stage: string) => Promise<void> | undefined;
}

/** A refusal by a closed member: the task never ran, so it may go to a replacement. */
const refusedClosed = (result: TaskResult<unknown>): boolean =>
  isErr(result) && result.left._tag === 'TaskRejected' && result.left.reason === 'pool-closed';

/**
 * A pipeline's stage by name: each call goes to the pool or balancer of that name in the system
 * now, so a pipeline already running follows a `reconfigure` that replaced the stage (tasks in
 * the old one finish there, new ones go to the new one), and a stage closed through its own
 * handle: a task it refuses waits for the replacement and goes there. A stage no longer in the
 * system refuses (`TaskRejected`, `pool-closed`). Streams are those of the member when subscribed.
 */
export function namedStage(stage: string, lookup: StageLookup): TaskSink<unknown, unknown> {
  const { current } = lookup;
  const gone = (): TaskResult<never> =>
    err(new TaskRejected('pool-closed', `stage '${stage}' is no longer in the system`));
  const submit = async (input: unknown, options?: SubmitOptions): Promise<TaskResult<unknown>> => {
    for (;;) {
      const sink = current(stage);
      if (sink === undefined) return gone();
      const result = await sink.submit(input, options);
      const replaced = refusedClosed(result) ? lookup.replaced(stage) : undefined;
      if (replaced === undefined) return result;
      await replaced;
    }
  };
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
