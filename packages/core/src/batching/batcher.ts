import { Subject } from 'rxjs';
import { BatchResultError, TaskCancelled, TaskFailed } from '../errors.js';
import type { TaskOutcome } from '../pool/pool-events.js';
import { checkKey, checkSignal, type SubmitOptions } from '../pool/submit-options.js';
import { describeValue } from '../describe-value.js';
import { findUnknownOption } from '../reject-unknown-options.js';
import { err, isErr, ok, type TaskResult } from '../result.js';
import type { Clock } from '../time/clock.js';
import type { BatchMetrics, BatchOptions, BatchTarget, FlushReason } from './batch-options.js';

export type { BatchMetrics, BatchOptions, FlushReason } from './batch-options.js';

interface Item<TInput, TOutput> {
  readonly id: number;
  readonly input: TInput;
  readonly resolve: (result: TaskResult<TOutput>) => void;
  settled: boolean;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/** `{ _tag: 'Left', left }` or `{ _tag: 'Right', right }`: an fp-ts Either for one item. */
function asEither(value: unknown): { left: unknown } | { right: unknown } | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const tag = (value as { _tag?: unknown })._tag;
  if (tag === 'Left' && 'left' in value) return value;
  if (tag === 'Right' && 'right' in value) return value;
  return undefined;
}

/**
 * Reads a batch item's options: its signal (the one option per item), or a message naming what
 * is wrong. Options are read once each (a getter or a Proxy trap may throw, or answer twice).
 */
function readItemOptions(options: SubmitOptions): AbortSignal | undefined | string {
  let signal: unknown;
  try {
    // `key` is for the balancer in front (a batch pool may be a member): checked, then ignored.
    const unknown = findUnknownOption('', options, ['signal', 'key'], PER_BATCH);
    if (unknown !== undefined) return unknown.message;
    const badKey = checkKey(options.key);
    if (badKey !== undefined) return badKey;
    signal = options.signal;
  } catch (error) {
    // Not an object, or one whose reading throws (a getter, a Proxy).
    return `submit options could not be read: ${describeValue(error)}`;
  }
  return checkSignal(signal) ?? (signal as AbortSignal | undefined);
}

/** Why the other submit options are refused per item. */
const PER_BATCH =
  'in a batch pool only signal is per item (and key, which a balancer in front reads): set timeoutMs and retry on the pool, they apply to each batch';

/**
 * Gathers submitted items into batches in front of a pool's task flow: a batch goes to the
 * pool as one task when it holds `size` items, when its oldest item has waited `maxWaitMs`
 * (one clock timer for the open batch), or when the pool closes. The batch task runs, times
 * out, retries and crashes like any task; its outcome is shared out to the items: a value
 * array gives each item its own result (or its own `Either`), a failure gives every item that
 * failure. An array of the wrong length fails every item with `BatchResultError`.
 */
export class Batcher<TInput, TOutput> {
  readonly results$ = new Subject<TaskOutcome<TOutput>>();
  #open: Item<TInput, TOutput>[] = [];
  #timer: unknown = undefined;
  #nextId = 0;
  #idleWaiters: (() => void)[] = [];
  #items = 0;
  #completed = 0;
  #failed = 0;
  #batches = 0;
  /** Batches dispatched whose outcome has not been shared out yet. */
  #inFlight = 0;
  /** The pool has closed: `results$` completes once no batch is in flight. */
  #finished = false;
  /** `#sizes[n]` counts batches of n items. */
  readonly #sizes: number[];
  readonly #flushes: Record<FlushReason, number> = { full: 0, timer: 0, close: 0 };

  constructor(
    private readonly options: BatchOptions,
    private readonly flow: BatchTarget<TInput, readonly unknown[]>,
    private readonly clock: Clock,
    private readonly name: string,
  ) {
    this.#sizes = new Array<number>(options.size + 1).fill(0);
  }

  /** Adds an item to the open batch; resolves with the item's own result. Never rejects. */
  add(input: TInput, options?: SubmitOptions): Promise<TaskResult<TOutput>> {
    const flow = this.flow;
    let signal: AbortSignal | undefined;
    // The pool's door, as for any task: a pool not taking tasks refuses before it reads options.
    if (options !== undefined && flow.isAccepting) {
      const read = readItemOptions(options);
      if (typeof read === 'string')
        return Promise.resolve(flow.rejectAtDoor('invalid-input', read));
      signal = read;
    }
    const refusal = flow.turnedAway(signal);
    if (refusal !== undefined) return Promise.resolve(refusal);
    return new Promise<TaskResult<TOutput>>((resolve) => {
      const item: Item<TInput, TOutput> = {
        id: ++this.#nextId,
        input,
        resolve,
        settled: false,
        signal,
        onAbort: undefined,
      };
      this.#items++;
      if (signal !== undefined) {
        item.onAbort = () => this.#cancel(item, signal.reason);
        signal.addEventListener('abort', item.onAbort, { once: true });
      }
      this.#open.push(item);
      if (this.#open.length >= this.options.size) this.flush('full');
      else if (this.#open.length === 1) {
        this.#timer = this.clock.setTimeout(() => {
          this.#timer = undefined;
          this.flush('timer');
        }, this.options.maxWaitMs);
      }
    });
  }

  /** Dispatches the open batch, if it holds any item. */
  flush(reason: FlushReason): void {
    if (this.#timer !== undefined) {
      this.clock.clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const items = this.#open;
    if (items.length === 0) return this.#wakeIdleWaiters();
    this.#open = [];
    this.#batches++;
    this.#sizes[items.length]!++;
    this.#flushes[reason]++;
    this.#inFlight++;
    void this.flow.submit(items.map((item) => item.input)).then((result) => {
      this.#inFlight--;
      this.#share(items, result);
      if (this.#finished && this.#inFlight === 0) this.results$.complete();
    });
    this.#wakeIdleWaiters();
  }

  /**
   * The pool has closed: `results$` completes once every batch sent has shared out its outcome
   * (at once when none is in flight; a batch's items settle a few microtasks after its task).
   */
  finish(): void {
    if (this.#timer !== undefined) this.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#finished = true;
    if (this.#inFlight === 0) this.results$.complete();
  }

  /** No batch is open any more: `whenIdle` goes on to wait for the pool. */
  #wakeIdleWaiters(): void {
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves when no batch is open and the pool is idle. */
  async whenIdle(): Promise<void> {
    while (this.#open.length > 0) {
      await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
    }
    await this.flow.whenIdle();
    if (this.#open.length > 0) return this.whenIdle();
  }

  metrics(): BatchMetrics {
    const sizes = this.#sizes;
    const quantile = (q: number): number => {
      if (this.#batches === 0) return 0;
      const rank = Math.ceil(q * this.#batches);
      let seen = 0;
      for (let n = 1; n < sizes.length; n++) {
        seen += sizes[n]!;
        if (seen >= rank) return n;
      }
      return sizes.length - 1;
    };
    let max = 0;
    for (let n = sizes.length - 1; n > 0; n--) {
      if (sizes[n]! > 0) {
        max = n;
        break;
      }
    }
    return {
      items: this.#items,
      pending: this.#open.length,
      completed: this.#completed,
      failed: this.#failed,
      batches: this.#batches,
      size: { p50: quantile(0.5), p90: quantile(0.9), p99: quantile(0.99), max },
      flushes: { ...this.#flushes },
    };
  }

  /** Shares a batch task's outcome out to its items. */
  #share(items: Item<TInput, TOutput>[], result: TaskResult<readonly unknown[]>): void {
    if (isErr(result)) {
      for (const item of items) this.#settle(item, result);
      return;
    }
    const outputs = result.right;
    if (!Array.isArray(outputs) || outputs.length !== items.length) {
      const got = Array.isArray(outputs)
        ? `${outputs.length} results`
        : `${outputs === null ? 'null' : typeof outputs}, not an array`;
      const error = new BatchResultError(
        `the batch worker of pool '${this.name}' returned ${got} for a batch of ${items.length} items: it must return an array with one result per item, in order`,
      );
      for (const item of items) this.#settle(item, err(new TaskFailed(error)));
      return;
    }
    for (let i = 0; i < items.length; i++) {
      const value: unknown = outputs[i];
      const either = asEither(value);
      this.#settle(
        items[i]!,
        either === undefined
          ? ok(value as TOutput)
          : 'left' in either
            ? err(new TaskFailed(either.left))
            : ok(either.right as TOutput),
      );
    }
  }

  #settle(item: Item<TInput, TOutput>, result: TaskResult<TOutput>): void {
    if (item.settled) return;
    item.settled = true;
    if (item.onAbort !== undefined) item.signal!.removeEventListener('abort', item.onAbort);
    if (isErr(result)) this.#failed++;
    else this.#completed++;
    item.resolve(result);
    if (this.results$.observed) this.results$.next({ taskId: item.id, result });
  }

  /** An item's signal aborted: it settles `TaskCancelled` now (its batch, if sent, runs on). */
  #cancel(item: Item<TInput, TOutput>, reason: unknown): void {
    const index = this.#open.indexOf(item);
    if (index >= 0) {
      this.#open.splice(index, 1);
      if (this.#open.length === 0) {
        if (this.#timer !== undefined) this.clock.clearTimeout(this.#timer);
        this.#timer = undefined;
        this.#wakeIdleWaiters();
      }
    }
    this.#settle(item, err(new TaskCancelled(reason, item.id)));
  }
}
