import { BehaviorSubject, Observable, distinctUntilChanged } from 'rxjs';
import {
  createActor,
  type Actor,
  type Observer,
  type SnapshotFrom,
  type Subscription,
} from 'xstate';
import { Dispatcher } from './dispatcher.js';
import type { WorkerSnapshot } from './worker-roster.js';
import { checkInputs, type SubmitOptions } from './submit-options.js';
import { rejectUnknownOptions } from '../reject-unknown-options.js';
import {
  InvalidOptionError,
  PoolClearedError,
  PoolClosedError,
  PoolStateError,
  type PoolFailedError,
} from '../errors.js';
import type { PoolMetrics } from '../metrics/metrics.js';
import { checkSize, resolvePoolOptions, type PoolConfig, type PoolOptions } from './options.js';
import { checkBounds, dryRunAtZero } from '../scaling/sizing-options.js';
import { Autoscaler } from '../scaling/autoscaler.js';
import { engineScalingPort } from './engine-scaling-port.js';
import type { ScaleRequest } from './pool-engine.js';
import { Batcher, type BatchOptions } from '../batching/batcher.js';
import type { BatchTarget } from '../batching/batch-options.js';
import type { Either } from '../result.js';
import type { DeadLetter, PoolEvent, PoolState, TaskOutcome } from './pool-events.js';
import { poolMachine } from './pool-machine.js';
import { unwrap, type TaskResult } from '../result.js';
import type { CloseOptions, SinkSnapshot, TaskSink } from '../sink.js';

/** A pool at one moment. */
export interface PoolSnapshot extends SinkSnapshot {
  readonly name: string;
  readonly state: PoolState;
  /**
   * The number of workers asked for: the `size` option or the last `resize(n)` (a dynamic
   * pool: its current target). Under `restart: 'temporary'` a fixed pool keeps showing it as
   * workers go; `metrics.workers` counts those ready.
   */
  readonly size: number;
  /** A dynamic pool's bounds now (absent for a fixed size). */
  readonly bounds?: { readonly min: number; readonly max: number };
  readonly workers: readonly WorkerSnapshot[];
  readonly metrics: PoolMetrics;
  /** Whether dispatch is paused (`pause()`). */
  readonly paused: boolean;
  /** Why the pool is `failed`, when it is. */
  readonly failure?: PoolFailedError;
}

/**
 * The pool's XState actor, read-only: what an inspector needs (its id, snapshots, a
 * subscription to them) and nothing to send it events. The pool handle is the only way to
 * drive a pool; the `inspect` option sees the whole actor tree as it runs.
 */
export interface PoolActorView {
  /** The actor's id: the pool's name. */
  readonly id: string;
  /** XState's unique id for this actor in its system (as inspection events name it). */
  readonly sessionId: string;
  /** The pool actor's snapshot now: its state value, status, context and children. */
  getSnapshot(): SnapshotFrom<typeof poolMachine>;
  /** Calls back with each new snapshot of the pool actor. */
  subscribe(observer: Observer<SnapshotFrom<typeof poolMachine>>): Subscription;
  subscribe(
    next?: (snapshot: SnapshotFrom<typeof poolMachine>) => void,
    error?: (error: unknown) => void,
    complete?: () => void,
  ): Subscription;
}

/** A read-only view of `actor` (see `PoolActorView`). */
function viewOf(actor: Actor<typeof poolMachine>): PoolActorView {
  return Object.freeze({
    id: actor.id,
    sessionId: actor.sessionId,
    getSnapshot: () => actor.getSnapshot(),
    subscribe: actor.subscribe.bind(actor) as PoolActorView['subscribe'],
  });
}

/** A running pool of workers: submit tasks, watch its streams, resize and close it. */
export interface Pool<TInput, TOutput> extends TaskSink<TInput, TOutput> {
  readonly name: string;
  /**
   * Starts the workers (from `stopped`, or after `failed`); submits are accepted from now on.
   * No-op when starting or running. Throws `PoolStateError` while closing, and once `close()`
   * has resolved: a closed pool is done for good (create a new one).
   */
  start(): this;
  /** Runs `input` on a worker; resolves with `Right(output)` or `Left(TaskError)`. Never rejects. */
  submit(input: TInput, options?: SubmitOptions): Promise<TaskResult<TOutput>>;
  /**
   * Changes the priority of the task submitted with `{ id }` while it has not started (queued,
   * waiting out a retry delay, or waiting for room under overflow `'wait'`), keeping its place
   * in arrival order: it runs by its new level from now on. Returns `false` when there is no
   * such task yet to run (unknown id, already running or settled). Throws `InvalidOptionError`
   * for a priority that is not a level.
   */
  setPriority(id: string, priority: number): boolean;
  /**
   * Submits many inputs with the same options in one call; resolves with their results in input
   * order once every one has settled. Never rejects. Cheaper per task than `submit` (one promise
   * for the lot). Options may not carry an `id`.
   */
  submitMany(inputs: Iterable<TInput>, options?: SubmitOptions): Promise<TaskResult<TOutput>[]>;
  /** Most tasks the queue holds (`queue.capacity`). */
  readonly capacity: number;
  /** Like `submit`, but resolves with the output and rejects with the `TaskError`. */
  run(input: TInput, options?: SubmitOptions): Promise<TOutput>;
  /**
   * The lifecycle state; emits the current one on subscribe. Completes (after `stopped`) when
   * `close()` resolves; subscribed later, it emits `stopped` and completes.
   */
  readonly state$: Observable<PoolState>;
  /**
   * Lifecycle events: workers started, crashed, stopped; resizes; refusals. The first event a
   * subscriber gets is a `pool.state` with the state now, so one that subscribes after `start()`
   * still knows where the pool is; then every event from then on (it replays nothing else).
   * Completes when `close()` resolves; subscribed later, it emits `pool.state` `stopped` and
   * completes.
   */
  readonly events$: Observable<PoolEvent>;
  /** One outcome per settled task. Costs nothing while nobody subscribes. Completes when `close()` resolves. */
  readonly results$: Observable<TaskOutcome<TOutput>>;
  /** Tasks quarantined because they kept crashing their workers (see `quarantineAfter`). Completes when `close()` resolves. */
  readonly deadLetters$: Observable<DeadLetter<TInput>>;
  /**
   * Metric snapshots: one on subscribe, then every `metrics.intervalMs` (each subscriber has its
   * own timer). When `close()` resolves, each subscriber gets the final snapshot and completes
   * (its timer cleared); subscribed later, it emits the final snapshot and completes.
   */
  readonly metrics$: Observable<PoolMetrics>;
  getSnapshot(): PoolSnapshot;
  /**
   * Resolves when nothing is queued, waiting or running (p-queue's `onIdle`). While the pool is
   * paused, queued tasks keep it pending until `resume()`, `clear()` or a close.
   */
  onIdle(): Promise<void>;
  /**
   * Resolves once fewer than `n` tasks have not started (`queueSize < n`; at once if so already):
   * p-queue's `onSizeLessThan`, piscina's `'drain'`. A producer awaits it before submitting
   * more, for backpressure without `through`. Throws `InvalidOptionError` unless `n >= 1`.
   * @example
   * for (const job of jobs) {
   *   await pool.onSizeLessThan(100);
   *   void pool.submit(job);
   * }
   */
  onSizeLessThan(n: number): Promise<void>;
  /** Resolves once no task waits to start (`queueSize === 0`): p-queue's `onEmpty`. */
  onEmpty(): Promise<void>;
  /**
   * Tasks accepted and not started: queued, plus submits waiting for room (overflow `'wait'`);
   * p-queue's `size`, piscina's `queueSize`. Tasks waiting out a retry delay are not counted.
   * In a batch pool: batches (the items still being gathered are in `metrics.batch`).
   */
  readonly queueSize: number;
  /** Tasks running now: p-queue's `pending`. In a batch pool: batches. */
  readonly pending: number;
  /**
   * Pauses dispatch (p-queue's `pause`): submits are still accepted and queue (capacity and
   * overflow apply), nothing new starts, running tasks finish; a dynamic pool does not grow on
   * its queue meanwhile. Allowed in any state but `closing` (`PoolStateError`); a pool paused
   * before `start()` starts its workers and waits. A close ends the pause. Tells `pool.paused`
   * on `events$`.
   */
  pause(): this;
  /**
   * Resumes dispatch (p-queue's `start`): free workers take queued tasks at once (the rate
   * limit still applies). No-op when not paused. Tells `pool.resumed` on `events$`.
   */
  resume(): this;
  /** Whether dispatch is paused (p-queue's `isPaused`). */
  readonly isPaused: boolean;
  /**
   * Cancels every task not yet started — queued, waiting for room, waiting out a retry delay —
   * with `TaskCancelled` (cause: a `PoolClearedError`); running tasks go on (p-queue's
   * `clear`). Returns how many it cancelled (in a batch pool: batches).
   */
  clear(): number;
  /**
   * Changes the number of workers; resolves when the pool has the latest requested number ready
   * (shrinking waits for busy workers' tasks). Rejects with `PoolStateError` unless starting or
   * running. On a dynamic pool `n` must lie within its bounds (the autoscaler carries on from
   * there), and `resize({ min, max })` sets new bounds (the size moves into them at once).
   */
  resize(size: number | { readonly min?: number; readonly max?: number }): Promise<void>;
  /**
   * Drains (or aborts) and stops every worker; calling it again returns the same promise.
   * `close({ cancelQueued: true })` cancels what has not started and lets running tasks finish;
   * a paused pool resumes to drain. Final: once it resolves, every stream of the pool has
   * completed, no timer of the pool is left (a script ends by itself) and `start()` throws
   * `PoolStateError`.
   */
  close(options?: CloseOptions): Promise<void>;
  /** The pool's XState actor, read-only, for inspection: its snapshots, never its events. */
  readonly actor: PoolActorView;
}

const topState = (value: unknown): PoolState =>
  (typeof value === 'string' ? value : Object.keys(value as object)[0]) as PoolState;

class PoolHandle<TInput, TOutput> implements Pool<TInput, TOutput> {
  readonly name: string;
  readonly actor: PoolActorView;
  readonly state$: Observable<PoolState>;
  readonly events$: Observable<PoolEvent>;
  readonly results$: Observable<TaskOutcome<TOutput>>;
  readonly deadLetters$: Observable<DeadLetter<TInput>>;
  readonly metrics$: Observable<PoolMetrics>;
  /** The pool actor itself: only the handle sends it events. */
  readonly #actor: Actor<typeof poolMachine>;
  readonly #config: PoolConfig<TInput, TOutput>;
  readonly #dispatcher: Dispatcher<TInput, TOutput>;
  readonly #state: BehaviorSubject<PoolState>;
  /** The state of the last `pool.state` event on `events$`: what a new subscriber is told first. */
  #announced: PoolState = 'stopped';
  #closing: Promise<void> | undefined;
  /** `close()` has resolved: the streams are complete and the pool may not start again. */
  #closed = false;
  /** The streams have been completed (see `#finish`). */
  #finished = false;
  /** Ends each live `metrics$` subscription (final snapshot, timer cleared, complete). */
  readonly #metricsSubscribers = new Set<() => void>();
  readonly #autoscaler: Autoscaler | undefined;
  /** Gathers items into batches (batch pools only). */
  readonly #batcher: Batcher<TInput, TOutput> | undefined;

  constructor(options: PoolOptions<TInput, TOutput, unknown>) {
    const config = resolvePoolOptions(options);
    this.#config = config;
    this.name = config.name;
    const dispatcher = new Dispatcher(config);
    this.#dispatcher = dispatcher;
    this.#actor = createActor(poolMachine, {
      id: config.name,
      clock: config.clock,
      ...(options.inspect === undefined ? {} : { inspect: options.inspect }),
      input: {
        name: config.name,
        size: config.size,
        logic: config.logic as PoolConfig<unknown, unknown>['logic'],
        effects: dispatcher,
        clock: config.clock,
        supervision: config.supervision,
        random: config.random,
      },
    });
    this.actor = viewOf(this.#actor);
    this.#state = new BehaviorSubject<PoolState>('stopped');
    // The pool resizing itself (demand, idleness, the autoscaler's target): the machine resizes.
    const resizeItself = ({ to, because, detail, retire }: ScaleRequest): void => {
      this.#actor.send({
        type: 'pool.resize',
        size: to,
        because,
        detail,
        ...(retire === undefined ? {} : { retire }),
      });
    };
    if (config.sizing !== undefined) dispatcher.onScale = resizeItself;
    this.#actor.subscribe((snapshot) => {
      dispatcher.sizeTarget = snapshot.context.size;
      const state = topState(snapshot.value);
      if (state === this.#state.value) return;
      // Final from the moment a close reaches `stopped`: no start() may slip in before it
      // resolves, not even from a subscriber told of `stopped`.
      const closed = state === 'stopped' && this.#closing !== undefined;
      if (closed) this.#closed = true;
      this.#state.next(state);
      this.#announced = state;
      dispatcher.events$.next({ type: 'pool.state', state });
      this.#autoscaler?.follow(state === 'starting' || state === 'running');
      if (closed) this.#finish();
    });
    const sizing = config.sizing;
    this.#autoscaler =
      sizing !== undefined && (sizing.target !== undefined || sizing.dryRun)
        ? new Autoscaler(
            {
              name: config.name,
              sizing,
              intervalMs: config.intervalMs,
              clock: config.clock,
              inspect: options.inspect,
            },
            engineScalingPort(dispatcher, resizeItself),
          )
        : undefined;
    this.#actor.start();
    // A BehaviorSubject once complete gives a new subscriber no value: the last state comes first.
    const state = this.#state;
    this.state$ = new Observable<PoolState>((subscriber) => {
      if (!this.#closed) return state.subscribe(subscriber);
      subscriber.next(state.value);
      subscriber.complete();
      return undefined;
    }).pipe(distinctUntilChanged());
    // Told first where the pool is, then everything after: the state is the last one announced,
    // so one who subscribes between a state change and its event misses nothing and sees no repeat.
    this.events$ = new Observable<PoolEvent>((subscriber) => {
      subscriber.next({ type: 'pool.state', state: this.#announced });
      return subscriber.closed ? undefined : dispatcher.events$.subscribe(subscriber);
    });
    if (config.batch === undefined) this.#batcher = undefined;
    else {
      // A batch pool's engine runs arrays of inputs: its task type is TInput[], not TInput.
      const engine: BatchTarget<TInput, readonly unknown[]> = dispatcher as unknown as Dispatcher<
        TInput[],
        readonly unknown[]
      >;
      this.#batcher = new Batcher<TInput, TOutput>(config.batch, engine, config.clock, config.name);
    }
    this.results$ = (this.#batcher?.results$ ?? dispatcher.results$).asObservable();
    this.deadLetters$ = dispatcher.deadLetters$.asObservable();
    this.metrics$ = new Observable<PoolMetrics>((subscriber) => {
      const { clock, intervalMs } = config;
      if (this.#closed) {
        subscriber.next(this.#metrics());
        subscriber.complete();
        return undefined;
      }
      let handle: unknown;
      const tick = (): void => {
        subscriber.next(this.#metrics());
        handle = clock.setTimeout(tick, intervalMs);
      };
      const end = (): void => {
        clock.clearTimeout(handle);
        subscriber.next(this.#metrics());
        subscriber.complete();
      };
      this.#metricsSubscribers.add(end);
      tick();
      return () => {
        clock.clearTimeout(handle);
        this.#metricsSubscribers.delete(end);
      };
    });
  }

  /** Makes the close final: completes every stream; no timer of the pool is left. */
  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#closed = true;
    if (this.#deadline !== undefined) this.#config.clock.clearTimeout(this.#deadline.timer);
    this.#deadline = undefined;
    for (const end of [...this.#metricsSubscribers]) end();
    this.#metricsSubscribers.clear();
    this.#state.complete();
    const d = this.#dispatcher;
    d.refuse('pool-closed', `pool '${this.name}' is closed (close() is final: create a new pool)`);
    d.events$.complete();
    d.results$.complete();
    d.deadLetters$.complete();
    this.#batcher?.finish();
  }

  start(): this {
    const state = this.#state.value;
    if (this.#closed) {
      throw new PoolStateError(
        'start',
        state,
        `cannot start pool '${this.name}': it is closed, and close() is final (create a new pool)`,
      );
    }
    if (state === 'closing') {
      throw new PoolStateError(
        'start',
        state,
        `cannot start pool '${this.name}' while it is closing: await close() first`,
      );
    }
    if (state === 'stopped' || state === 'failed') this.#actor.send({ type: 'pool.start' });
    return this;
  }

  submit(input: TInput, options?: SubmitOptions): Promise<TaskResult<TOutput>> {
    const batcher = this.#batcher;
    if (batcher !== undefined) return batcher.add(input, options);
    return this.#dispatcher.submit(input, options);
  }

  submitMany(inputs: Iterable<TInput>, options?: SubmitOptions): Promise<TaskResult<TOutput>[]> {
    const batcher = this.#batcher;
    if (batcher === undefined) return this.#dispatcher.submitMany(inputs, options);
    checkInputs(inputs);
    return Promise.all(Array.from(inputs, (input) => batcher.add(input, options)));
  }

  get capacity(): number {
    return this.#config.capacity;
  }

  setPriority(id: string, priority: number): boolean {
    return this.#dispatcher.setPriority(id, priority);
  }

  run(input: TInput, options?: SubmitOptions): Promise<TOutput> {
    // A batch item's promise is unwrapped here; a task's own promise resolves with the output.
    if (this.#batcher !== undefined) return this.submit(input, options).then(unwrap);
    return this.#dispatcher.run(input, options);
  }

  getSnapshot(): PoolSnapshot {
    const context = this.#actor.getSnapshot().context;
    const snapshot: PoolSnapshot = {
      name: this.name,
      state: this.#state.value,
      // A fixed pool shows the size asked for (seats forgotten under 'temporary' leave it as
      // it is: `metrics.workers` counts who is left); a dynamic one its current target.
      size: this.#config.sizing === undefined ? context.requestedSize : context.size,
      workers: this.#dispatcher.workers(),
      metrics: this.#metrics(),
      paused: this.#dispatcher.isPaused,
    };
    const sizing = this.#config.sizing;
    const withBounds =
      sizing === undefined
        ? snapshot
        : { ...snapshot, bounds: { min: sizing.min, max: sizing.max } };
    return context.failure === undefined ? withBounds : { ...withBounds, failure: context.failure };
  }

  onIdle(): Promise<void> {
    return this.#batcher?.whenIdle() ?? this.#dispatcher.whenIdle();
  }

  onSizeLessThan(n: number): Promise<void> {
    if (typeof n !== 'number' || !(n >= 1))
      throw new InvalidOptionError('onSizeLessThan(n)', n, 'a number >= 1');
    return this.#dispatcher.whenSizeBelow(n);
  }

  onEmpty(): Promise<void> {
    return this.#dispatcher.whenSizeBelow(1);
  }

  get queueSize(): number {
    return this.#dispatcher.queueSize;
  }

  get pending(): number {
    return this.#dispatcher.pending;
  }

  get isPaused(): boolean {
    return this.#dispatcher.isPaused;
  }

  pause(): this {
    const state = this.#state.value;
    if (state === 'closing') {
      throw new PoolStateError(
        'pause',
        state,
        `cannot pause pool '${this.name}' while it is closing: its close would wait on the pause`,
      );
    }
    this.#dispatcher.pause();
    return this;
  }

  resume(): this {
    this.#dispatcher.resume();
    return this;
  }

  clear(): number {
    return this.#dispatcher.clear(new PoolClearedError(`pool '${this.name}' was cleared`));
  }

  /**
   * What a close does to the queue before the pool machine hears of it: cancels what has not
   * started if asked, and ends a pause — a drain starts the queue again (a paused drain would
   * never end); an abort cancels it anyway, so nothing starts.
   */
  #closeQueue(abort: boolean, cancelQueued: boolean): void {
    const d = this.#dispatcher;
    if (cancelQueued && !abort)
      d.clear(new PoolClosedError(`pool '${this.name}' closed with cancelQueued`));
    d.resume(!abort);
  }

  #metrics(): PoolMetrics {
    const metrics = this.#dispatcher.metrics.snapshot(this.#config.clock.now());
    return this.#batcher === undefined ? metrics : { ...metrics, batch: this.#batcher.metrics() };
  }

  resize(size: number | { readonly min?: number; readonly max?: number }): Promise<void> {
    const sizing = this.#config.sizing;
    let bounds: [number, number] | undefined;
    if (typeof size === 'object' && size !== null) {
      if (sizing === undefined) {
        throw new InvalidOptionError(
          'size',
          size,
          `a number: pool '${this.name}' has a fixed size (create it with size: { min, max } to give it bounds)`,
        );
      }
      rejectUnknownOptions('resize', size, ['min', 'max']);
      bounds = checkBounds(size.min ?? sizing.min, size.max ?? sizing.max, 'resize.');
      if (bounds[0] === 0 && sizing.dryRun) throw dryRunAtZero('resize.min');
    } else if (sizing === undefined) {
      checkSize('size', size);
    } else if (!Number.isInteger(size) || size < sizing.min || size > sizing.max) {
      // A dynamic pool's bounds say it all (its min may be 0).
      throw new InvalidOptionError(
        'size',
        size,
        `a whole number from ${sizing.min} to ${sizing.max} (the pool's bounds; resize({ min, max }) moves them)`,
      );
    }
    const state = this.#state.value;
    if (state !== 'starting' && state !== 'running') {
      return Promise.reject(
        new PoolStateError(
          'resize',
          state,
          `cannot resize pool '${this.name}' while it is ${state}`,
        ),
      );
    }
    let to: number;
    if (bounds !== undefined && sizing !== undefined) {
      [sizing.min, sizing.max] = bounds;
      to = Math.min(bounds[1], Math.max(bounds[0], this.#actor.getSnapshot().context.size));
    } else to = size as number;
    const d = this.#dispatcher;
    // Every pending resize settles when the pool reaches the latest requested size.
    const done = (): boolean => {
      const target = this.#actor.getSnapshot().context.size;
      // (The O(1) count first: this runs after every step of the pool actor.)
      return d.readyCount() === target && d.liveCount() === target;
    };
    this.#actor.send({ type: 'pool.resize', size: to });
    if (bounds !== undefined) d.boundsChanged();
    return this.#until(done, 'resize');
  }

  close(options: CloseOptions = {}): Promise<void> {
    if (typeof options !== 'object' || options === null)
      throw new InvalidOptionError(
        'close options',
        options,
        'an object { abort?, timeoutMs?, cancelQueued? }',
      );
    rejectUnknownOptions('', options, ['abort', 'timeoutMs', 'cancelQueued']);
    const { abort = false, timeoutMs, cancelQueued = false } = options;
    if (typeof abort !== 'boolean') throw new InvalidOptionError('abort', abort, 'true or false');
    if (typeof cancelQueued !== 'boolean')
      throw new InvalidOptionError('cancelQueued', cancelQueued, 'true or false');
    if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && timeoutMs >= 0)) {
      throw new InvalidOptionError(
        'timeoutMs',
        timeoutMs,
        'a number >= 0 (milliseconds), or Infinity for no deadline',
      );
    }
    if (this.#closing !== undefined) {
      // Already closing: a later abort or deadline still bounds it; the promise is the same.
      if (timeoutMs !== undefined) this.#closeWithin(timeoutMs);
      this.#closeQueue(abort, cancelQueued);
      if (abort)
        this.#actor.send({
          type: 'pool.close',
          abort,
          reason: new PoolClosedError(`pool '${this.name}' closed with abort`),
        });
      return this.#closing;
    }
    if (this.#state.value === 'stopped') {
      // Never started (or closed already): nothing to drain, but the close is final all the same.
      this.#finish();
      return Promise.resolve();
    }
    // The batch being filled goes to the workers, not to waste.
    this.#batcher?.flush('close');
    this.#closeQueue(abort, cancelQueued);
    const { clock } = this.#config;
    const closing = this.#until(() => this.#state.value === 'stopped', 'close').finally(() => {
      if (this.#deadline !== undefined) clock.clearTimeout(this.#deadline.timer);
      this.#deadline = undefined;
      this.#closing = undefined;
    });
    if (timeoutMs !== undefined) this.#closeWithin(timeoutMs);
    this.#closing = closing;
    this.#actor.send({
      type: 'pool.close',
      abort,
      reason: new PoolClosedError(`pool '${this.name}' closed with abort`),
    });
    return closing;
  }

  /** The close deadline now armed: when it falls, and its timer. */
  #deadline: { readonly at: number; readonly timer: unknown } | undefined;

  /** Arms the close deadline `timeoutMs` from now, unless one already falls earlier. */
  #closeWithin(timeoutMs: number): void {
    if (timeoutMs === Infinity) return;
    const { clock } = this.#config;
    const at = clock.now() + timeoutMs;
    if (this.#deadline !== undefined) {
      if (this.#deadline.at <= at) return;
      clock.clearTimeout(this.#deadline.timer);
    }
    const timer = clock.setTimeout(() => {
      this.#actor.send({
        type: 'pool.timeout',
        reason: new PoolClosedError(`pool '${this.name}' did not drain within ${timeoutMs} ms`),
      });
    }, timeoutMs);
    this.#deadline = { at, timer };
  }

  /** Resolves once `condition` holds after some pool-actor step; rejects if the pool fails or stops first (for resize). */
  #until(condition: () => boolean, operation: 'resize' | 'close'): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const check = (): boolean => {
        if (condition()) {
          resolve();
          return true;
        }
        const state = this.#state.value;
        if (operation === 'resize' && state !== 'starting' && state !== 'running') {
          reject(
            new PoolStateError(
              'resize',
              state,
              `pool '${this.name}' became ${state} before the resize completed`,
            ),
          );
          return true;
        }
        return false;
      };
      if (check()) return;
      const subscription = this.#actor.subscribe(() => {
        if (check()) subscription.unsubscribe();
      });
    });
  }
}

/** What a batch worker returns: one result per item, in order — a value, or an `Either` for that item. */
export type BatchOutput<TOutput> = readonly (TOutput | Either<unknown, TOutput>)[];

/**
 * Options of a batch pool: the worker takes an array of up to `batch.size` inputs and returns
 * one result per item. Submits still take and give single items.
 */
export interface BatchPoolOptions<TInput, TOutput, TResource = unknown> extends Omit<
  PoolOptions<TInput[], BatchOutput<TOutput>, TResource>,
  'batch'
> {
  readonly batch: BatchOptions;
}

/**
 * Creates a pool (in `stopped`); call `.start()` to start its workers.
 *
 * @example
 * const pool = createPool({ worker: async (n: number) => n * 2, size: 4 }).start();
 * const doubled = await pool.run(21); // 42
 * await pool.close();
 */
export function createPool<TInput, TOutput, TResource = unknown>(
  options: PoolOptions<TInput, TOutput, TResource>,
): Pool<TInput, TOutput>;
export function createPool<TInput, TOutput, TResource = unknown>(
  options: BatchPoolOptions<TInput, TOutput, TResource>,
): Pool<TInput, TOutput>;
export function createPool<TInput, TOutput, TResource = unknown>(
  options: PoolOptions<TInput, TOutput, TResource> | BatchPoolOptions<TInput, TOutput, TResource>,
): Pool<TInput, TOutput> {
  return new PoolHandle<TInput, TOutput>(options as PoolOptions<TInput, TOutput, unknown>);
}
