import { Observable, type OperatorFunction, type Subscription } from 'rxjs';
import { InvalidOptionError, ThroughUnsubscribedError } from '../errors.js';
import { sharedAbortController } from './shared-abort-controller.js';
import { rejectUnknownOptions } from '../reject-unknown-options.js';
import type { TaskSink } from '../sink.js';
import type { SubmitOptions } from '../pool/submit-options.js';
import { FifoQueue } from '../queues/fifo-queue.js';
import { isErr, type TaskResult } from '../result.js';

/**
 * What `through` needs of a sink: any `TaskSink` (a pool, a balancer) is one. Its `results$` is
 * read only as a signal that room may have freed (any outcome, or its completion).
 */
export type ThroughTarget<TInput, TOutput> = Pick<
  TaskSink<TInput, TOutput>,
  'submit' | 'capacity' | 'getSnapshot'
> & { readonly results$: Observable<unknown> };

/** How `through` feeds a pool. */
export interface ThroughOptions {
  /**
   * Emit results in source order (a result waits for the ones before it) instead of as they
   * settle.
   * @default false
   */
  readonly ordered?: boolean;
  /**
   * Most items submitted and not yet settled at once; further source items wait in the
   * operator until one settles. Never more than the pool's workers plus its queue capacity.
   * @default the pool's size (a dynamic pool's max) plus as many again, capped by the queue capacity
   */
  readonly concurrency?: number;
  /** Options for every submit (no `id`; the operator supplies the `signal`). */
  readonly submit?: Omit<SubmitOptions, 'id' | 'signal'>;
}

/**
 * An RxJS operator that runs each source item on `pool` and emits its result (an `Either`).
 *
 * At most `concurrency` items are in the pool at once; items beyond that wait in the operator,
 * in order (RxJS sources push and cannot be paused, so this is where backpressure lands, as with
 * `mergeMap`'s concurrency). An item the pool refuses for want of room (its workers not ready
 * yet, or other submitters filled the queue) is not emitted as a failure: it waits at the front
 * and is tried again when a task settles. Completes when the source has completed and every
 * result is out.
 * Unsubscribing cancels every task in flight (`TaskCancelled`, cause `ThroughUnsubscribedError`).
 * A source error is passed on at once, and cancels the tasks in flight too.
 *
 * @example
 * from(urls).pipe(through(fetchPool, { ordered: true })).subscribe((result) => ...);
 */
export function through<TInput, TOutput>(
  pool: ThroughTarget<TInput, TOutput>,
  options: ThroughOptions = {},
): OperatorFunction<TInput, TaskResult<TOutput>> {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError(
      'through options',
      options,
      'an object { ordered?, concurrency?, submit? }',
    );
  }
  rejectUnknownOptions('', options, ['ordered', 'concurrency', 'submit']);
  const { ordered = false, concurrency } = options;
  if (typeof ordered !== 'boolean')
    throw new InvalidOptionError('ordered', ordered, 'true or false');
  if (
    concurrency !== undefined &&
    (typeof concurrency !== 'number' || !Number.isInteger(concurrency) || concurrency < 1)
  ) {
    throw new InvalidOptionError('concurrency', concurrency, 'a whole number >= 1');
  }
  if (
    options.submit !== undefined &&
    (typeof options.submit !== 'object' ||
      options.submit === null ||
      'id' in options.submit ||
      'signal' in options.submit)
  ) {
    throw new InvalidOptionError(
      'submit',
      options.submit,
      'submit options without id (one per task) or signal (unsubscribe cancels)',
    );
  }
  return (source) =>
    new Observable<TaskResult<TOutput>>((subscriber) => {
      const controller = sharedAbortController();
      const submitOptions: SubmitOptions = { ...options.submit, signal: controller.signal };
      // A dynamic pool may grow to its max: the window is sized for that.
      const snapshot = pool.getSnapshot();
      const size = snapshot.bounds?.max ?? snapshot.size;
      const cap = size + pool.capacity;
      const limit = Math.min(concurrency ?? size + Math.min(size, pool.capacity), cap);
      /** Source items not yet in the pool, with their place in source order. */
      const backlog = new FifoQueue<Item<TInput>>();
      const early = new Map<number, TaskResult<TOutput>>();
      let arrived = 0;
      let emitted = 0;
      let inFlight = 0;
      let sourceDone = false;
      let retryOnResult: Subscription | undefined;

      const finishIfDone = (): void => {
        // `early` too: a source may complete in reaction to a result emitted (a feedback loop)
        // while results that were waiting for it are still to go out.
        if (sourceDone && inFlight === 0 && backlog.size === 0 && early.size === 0) {
          subscriber.complete();
        }
      };
      const emit = (index: number, result: TaskResult<TOutput>): void => {
        if (!ordered) return subscriber.next(result);
        early.set(index, result);
        for (let next = early.get(emitted); next !== undefined; next = early.get(emitted)) {
          early.delete(emitted++);
          subscriber.next(next);
        }
      };
      const fill = (): void => {
        while (inFlight < limit && backlog.size > 0 && retryOnResult === undefined) {
          launch(backlog.shift()!);
        }
      };
      const settled = (item: Item<TInput>, result: TaskResult<TOutput>): void => {
        inFlight--;
        if (subscriber.closed) return;
        if (isRefusedForRoom(result)) {
          // The queue was full when this item came (workers not ready yet, or other submitters):
          // it goes back to the front, and is tried again when a task of the pool settles.
          backlog.unshift(item);
          waitForRoom();
        } else emit(item.index, result);
        fill();
        finishIfDone();
      };
      const waitForRoom = (): void => {
        if (retryOnResult !== undefined) return;
        const retry = (): void => {
          retryOnResult?.unsubscribe();
          retryOnResult = undefined;
          queueMicrotask(fill);
        };
        // A pool that closes completes `results$`: the items left are tried (and refused) then.
        retryOnResult = pool.results$.subscribe({ next: retry, complete: retry });
      };
      const launch = (item: Item<TInput>): void => {
        inFlight++;
        void pool.submit(item.input, submitOptions).then((result) => settled(item, result));
      };

      const subscription = source.subscribe({
        next: (input) => {
          const item = { index: arrived++, input };
          // Items waiting in the operator go first (a re-entrant source must not jump them).
          if (inFlight < limit && backlog.size === 0 && retryOnResult === undefined) launch(item);
          else backlog.push(item);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          sourceDone = true;
          finishIfDone();
        },
      });
      return () => {
        subscription.unsubscribe();
        retryOnResult?.unsubscribe();
        backlog.drain();
        if (inFlight > 0) controller.abort(new ThroughUnsubscribedError());
      };
    });
}

interface Item<T> {
  readonly index: number;
  readonly input: T;
}

/**
 * Refused at the door because the queue was full (an evicted task carries its id; this does not):
 * what `through` tries again when room frees rather than emitting.
 */
export function isRefusedForRoom(result: TaskResult<unknown>): boolean {
  return (
    isErr(result) &&
    result.left._tag === 'TaskRejected' &&
    result.left.reason === 'queue-full' &&
    result.left.taskId === undefined
  );
}
