/**
 * A pipeline stage as `through` sees it: items carry their place in the source and, once a stage
 * has failed them, their failure, which the later stages pass along without running it.
 */
import { TaskFailed, type TaskError } from '../errors.js';
import { err, isOk, ok, type TaskResult } from '../result.js';
import type { SubmitOptions } from '../pool/submit-options.js';
import { isRefusedForRoom, type ThroughTarget } from '../streams/through.js';
import type { AnySink } from './pipeline-stages.js';

/** Where and why an item stopped. */
export interface StageFailure {
  readonly stage: number;
  readonly name: string;
  /** What that stage was given. */
  readonly input: unknown;
  readonly error: TaskError;
}

/** An item on its way through the stages. */
export interface Carried {
  /** Its place in the source, from 0. */
  readonly index: number;
  /** The last stage's output so far (the source item before the first stage). */
  readonly value: unknown;
  /** Set once a stage failed it: the later stages do not run it. */
  readonly failed?: StageFailure;
}

/**
 * Stage `stage` of a pipeline as a `through` target: it runs an item's value on `sink` and carries
 * the output on, or the failure. A refusal for want of room is handed back as it is, so `through`
 * tries the item again when room frees, as it does for a pool of its own.
 */
export function stageSink(sink: AnySink, stage: number): ThroughTarget<Carried, Carried> {
  const run = sink as unknown as ThroughTarget<unknown, unknown>;
  const failed = (item: Carried, error: TaskError): TaskResult<Carried> =>
    ok({
      index: item.index,
      value: undefined,
      failed: { stage, name: sink.name, input: item.value, error },
    });
  return {
    get capacity() {
      return sink.capacity;
    },
    results$: sink.results$,
    getSnapshot: () => sink.getSnapshot(),
    submit(item: Carried, options?: SubmitOptions): Promise<TaskResult<Carried>> {
      if (item.failed !== undefined) return Promise.resolve(ok(item));
      let submitted: Promise<TaskResult<unknown>>;
      try {
        submitted = run.submit(item.value, options);
      } catch (cause) {
        // A sink never throws; one that does fails the item here rather than losing it.
        return Promise.resolve(failed(item, new TaskFailed(cause)));
      }
      return submitted.then(
        (result): TaskResult<Carried> => {
          if (isOk(result)) return ok({ index: item.index, value: result.right });
          if (isRefusedForRoom(result)) return err(result.left);
          return failed(item, result.left);
        },
        (cause: unknown) => failed(item, new TaskFailed(cause)),
      );
    },
  };
}
