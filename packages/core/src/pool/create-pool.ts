import type { Observable } from 'rxjs';
import { createActor } from 'xstate';
import { InvalidOptionError, PoolClearedError, PoolStateError } from '../errors.js';
import type { PoolMetrics } from '../metrics/metrics.js';
import { unwrap, type TaskResult } from '../result.js';
import {
  SUBMIT_VIA,
  SUBMIT_WITH,
  type CloseOptions,
  type SettlingSink,
  type WatchedSink,
} from '../sink.js';
import { Batcher } from '../batching/batcher.js';
import { scaleItself } from './engine-scaling-port.js';
import type { BatchPoolOptions, PoolConfig, PoolOptions } from './options.js';
import type { Pool } from './pool.js';
import { preparePool, type PoolActorRef, type PoolParts } from './pool-parts.js';
import { viewOf, type PoolActorView } from './pool-actor-view.js';
import type { PoolEngine } from './pool-engine.js';
import type { DeadLetter, PoolEvent, PoolState, TaskOutcome } from './pool-events.js';
import { PoolLifecycle } from './pool-lifecycle.js';
import { poolMachine } from './pool-machine.js';
import { resizePool, type ResizeRequest } from './pool-resize.js';
import { takeSnapshot, type PoolSnapshot } from './pool-snapshot.js';
import { PoolStreams } from './pool-streams.js';
import { checkInputs, type SubmitOptions } from './submit-options.js';

const topState = (value: unknown): PoolState =>
  (typeof value === 'string' ? value : Object.keys(value as object)[0]) as PoolState;

/**
 * What `createPool` returns: the engine that runs the tasks, the pool actor that runs the
 * lifecycle, and the parts around them (streams, start and close, resize, the batcher and the
 * autoscaler), wired here. Task calls go straight to the engine (or the batcher).
 */
class PoolHandle<TInput, TOutput> implements Pool<TInput, TOutput> {
  readonly name: string;
  /** The pool actor itself: only the handle (and a system restarting it) sends it events. */
  readonly #actor: PoolActorRef;
  readonly #config: PoolConfig<TInput, TOutput>;
  readonly #engine: PoolEngine<TInput, TOutput>;
  /** Where submits go: the engine's task path itself, one call from `submit` (the hot path). */
  readonly #tasks: PoolEngine<TInput, TOutput>['tasks'];
  readonly #streams: PoolStreams;
  readonly #lifecycle: PoolLifecycle;
  /** Gathers items into batches (batch pools only). */
  readonly #batcher: Batcher<TInput, TOutput> | undefined;
  // Made when first asked for (as the streams are): most small pools are never watched.
  #view: PoolActorView | undefined;
  #results$: Observable<TaskOutcome<TOutput>> | undefined;
  #deadLetters$: Observable<DeadLetter<TInput>> | undefined;
  // For a balancer over pools (see the symbols); not on batch pools, whose items are not tasks.
  readonly [SUBMIT_WITH]: SettlingSink<TInput, TOutput>[typeof SUBMIT_WITH] | undefined;
  readonly [SUBMIT_VIA]: WatchedSink<TInput, TOutput>[typeof SUBMIT_VIA] | undefined;

  /**
   * Wires the handle around `actor`, the pool actor made from `parts.input`; starts it unless
   * `startActor` is `false` (an actor spawned by a parent starts with it).
   */
  constructor(parts: PoolParts<TInput, TOutput>, actor: PoolActorRef, startActor: boolean) {
    const { config, engine: made, inspect } = parts;
    this.#config = config;
    this.name = config.name;
    const engine: PoolEngine<TInput, TOutput> = made;
    this.#engine = engine;
    this.#tasks = engine.tasks;
    this.#actor = actor;
    if (config.batch === undefined) {
      this.#batcher = undefined;
      const tasks = engine.tasks;
      this[SUBMIT_WITH] = (input, options, settle) =>
        tasks.admit(input, options, settle as (result: TaskResult<unknown>) => void) as
          TaskResult<TOutput> | undefined;
      this[SUBMIT_VIA] = (input, options, watch) =>
        tasks.admit(input, options, false, watch) as
          Promise<TaskResult<TOutput>> | TaskResult<TOutput>;
    } else {
      this[SUBMIT_WITH] = undefined;
      this[SUBMIT_VIA] = undefined;
      // A batch pool's engine runs arrays of inputs: its task type is TInput[], not TInput.
      const target = made.batchTarget<TInput>();
      this.#batcher = new Batcher<TInput, TOutput>(config.batch, target, config.clock, config.name);
    }
    const streams = new PoolStreams({
      events: engine.events$,
      clock: config.clock,
      intervalMs: config.intervalMs,
      metrics: () => this.#metrics(),
      closed: () => this.#lifecycle.closed,
    });
    this.#streams = streams;
    const lifecycle = new PoolLifecycle({
      name: config.name,
      clock: config.clock,
      actor,
      engine,
      streams,
      batcher: this.#batcher,
    });
    this.#lifecycle = lifecycle;
    const autoscaler = scaleItself(config, engine, actor, inspect);
    actor.subscribe((snapshot) => {
      engine.sizeTarget = snapshot.context.size;
      const state = topState(snapshot.value);
      if (state === streams.state) return;
      const closed = lifecycle.entered(state);
      streams.enter(state);
      autoscaler?.follow(state === 'starting' || state === 'running');
      if (closed) lifecycle.finish();
    });
    if (startActor) actor.start();
  }

  get actor(): PoolActorView {
    return (this.#view ??= viewOf(this.#actor));
  }

  get state$(): Observable<PoolState> {
    return this.#streams.state$;
  }

  get events$(): Observable<PoolEvent> {
    return this.#streams.events$;
  }

  get metrics$(): Observable<PoolMetrics> {
    return this.#streams.metrics$;
  }

  get results$(): Observable<TaskOutcome<TOutput>> {
    return (this.#results$ ??= (this.#batcher?.results$ ?? this.#engine.results$).asObservable());
  }

  get deadLetters$(): Observable<DeadLetter<TInput>> {
    return (this.#deadLetters$ ??= this.#engine.deadLetters$.asObservable());
  }

  start(): this {
    this.#lifecycle.start();
    return this;
  }

  submit(input: TInput, options?: SubmitOptions): Promise<TaskResult<TOutput>> {
    const batcher = this.#batcher;
    if (batcher !== undefined) return batcher.add(input, options);
    return this.#tasks.submit(input, options) as Promise<TaskResult<TOutput>>;
  }

  submitMany(inputs: Iterable<TInput>, options?: SubmitOptions): Promise<TaskResult<TOutput>[]> {
    const batcher = this.#batcher;
    if (batcher === undefined) return this.#engine.submitMany(inputs, options);
    checkInputs(inputs);
    return Promise.all(Array.from(inputs, (input) => batcher.add(input, options)));
  }

  get capacity(): number {
    return this.#config.capacity;
  }

  setPriority(id: string, priority: number): boolean {
    return this.#engine.setPriority(id, priority);
  }

  run(input: TInput, options?: SubmitOptions): Promise<TOutput> {
    // A batch item's promise is unwrapped here; a task's own promise resolves with the output.
    if (this.#batcher !== undefined) return this.submit(input, options).then(unwrap);
    return this.#tasks.run(input, options) as Promise<TOutput>;
  }

  getSnapshot(): PoolSnapshot {
    return takeSnapshot({
      name: this.name,
      state: this.#streams.state,
      context: this.#actor.getSnapshot().context,
      sizing: this.#config.sizing,
      engine: this.#engine,
      metrics: this.#metrics(),
    });
  }

  onIdle(): Promise<void> {
    return this.#batcher?.whenIdle() ?? this.#engine.whenIdle();
  }

  onSizeLessThan(n: number): Promise<void> {
    if (typeof n !== 'number' || !(n >= 1))
      throw new InvalidOptionError('onSizeLessThan(n)', n, 'a number >= 1');
    return this.#engine.whenSizeBelow(n);
  }

  onEmpty(): Promise<void> {
    return this.#engine.whenSizeBelow(1);
  }

  get queueSize(): number {
    return this.#engine.queueSize;
  }

  get pending(): number {
    return this.#engine.pending;
  }

  get isPaused(): boolean {
    return this.#engine.isPaused;
  }

  pause(): this {
    const state = this.#streams.state;
    if (state === 'closing') {
      throw new PoolStateError(
        'pause',
        state,
        `cannot pause pool '${this.name}' while it is closing: its close would wait on the pause`,
      );
    }
    this.#engine.pause();
    return this;
  }

  resume(): this {
    this.#engine.resume();
    return this;
  }

  clear(): number {
    return this.#engine.clear(new PoolClearedError(`pool '${this.name}' was cleared`));
  }

  resize(size: ResizeRequest): Promise<void> {
    return resizePool(
      {
        name: this.name,
        sizing: this.#config.sizing,
        actor: this.#actor,
        engine: this.#engine,
        state: this.#streams.state,
        lifecycle: this.#lifecycle,
      },
      size,
    );
  }

  close(options: CloseOptions = {}): Promise<void> {
    return this.#lifecycle.close(options);
  }

  /** The engine's metrics now, with a batch pool's item figures. */
  #metrics(): PoolMetrics {
    const metrics = this.#engine.metrics.snapshot(this.#config.clock.now());
    return this.#batcher === undefined ? metrics : { ...metrics, batch: this.#batcher.metrics() };
  }
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
  const parts = preparePool<TInput, TOutput>(options as PoolOptions<TInput, TOutput, unknown>);
  const { config, inspect, input } = parts;
  const actor = createActor(poolMachine, {
    id: config.name,
    clock: config.clock,
    ...(inspect === undefined ? {} : { inspect }),
    input,
  });
  return new PoolHandle<TInput, TOutput>(parts, actor, true);
}

/**
 * A pool handle around `actor`, a pool actor made elsewhere from `parts.input` (a system spawns
 * its pools' actors as its children): the same handle `createPool` returns, except that it does
 * not start the actor, whose parent does. Not public: `createPool` is how users make a pool.
 */
export function createPoolAround<TInput, TOutput>(
  parts: PoolParts<TInput, TOutput>,
  actor: PoolActorRef,
): Pool<TInput, TOutput> {
  return new PoolHandle<TInput, TOutput>(parts, actor, false);
}
