import { Subject } from 'rxjs';
import type { AnyActorRef } from 'xstate';
import type { RejectReason } from '../errors.js';
import { Histogram } from '../metrics/histogram.js';
import { MetricsRecorder } from '../metrics/metrics.js';
import type { PoolConfig } from '../pool/options.js';
import type { PoolEffects } from '../pool/pool-effects.js';
import type { DeadLetter, PoolEvent, TaskOutcome } from '../pool/pool-events.js';
import type { PoolEngine } from '../pool/pool-engine.js';
import type { SubmitOptions } from '../pool/submit-options.js';
import type { BatchTarget } from '../batching/batch-options.js';
import type { TaskResult } from '../result.js';
import { RateLimiter } from '../scheduling/rate-limiter.js';
import { DeadlineHeap } from '../time/deadline-heap.js';
import { Backlog } from './backlog.js';
import { Dispatcher } from './dispatcher.js';
import { Door } from './door.js';
import { Failures } from './failures.js';
import { Growth, type ScaleRequest } from './growth.js';
import { Occupancy } from './occupancy.js';
import { QueueControls } from './queue-controls.js';
import { BulkAdmission } from './submit-many.js';
import { Sweeps } from './sweeps.js';
import type { EngineParts } from './task-path.js';
import { Timeouts } from './timeouts.js';
import type { RetryEntry } from './task.js';
import { Waiters } from './waiters.js';
import { WorkerExits } from './worker-exits.js';
import { WorkerRoster, type WorkerSnapshot } from './worker-roster.js';
import type { Slot } from './worker-slot.js';
import { Workforce } from './workforce.js';

/** The shared parts: counters, the backlog, the workers, one timer (its due items routed later). */
function makeParts(
  config: PoolConfig<unknown, unknown>,
  due: (item: Slot | RetryEntry | RateLimiter) => void,
): EngineParts {
  const { clock } = config;
  const metrics = new MetricsRecorder(clock.now(), config.windowMs);
  const backlog = new Backlog(config, clock, metrics);
  const queue = backlog.priority;
  if (queue !== undefined) {
    metrics.levelWait = Array.from({ length: queue.levels }, () => new Histogram());
    metrics.levelSizes = () => queue.sizes();
  }
  if (config.sizing?.target !== undefined && 'queueWaitP99Ms' in config.sizing.target)
    metrics.recentWait = new Histogram();
  const timers = new DeadlineHeap<Slot | RetryEntry | RateLimiter>(clock, due);
  const roster = new WorkerRoster(metrics, clock, timers);
  return { config, metrics, backlog, roster, timers, events$: new Subject<PoolEvent>() };
}

/**
 * One pool's engine, put together: the `Dispatcher` (the path of a task) and the parts around
 * it. It is what the pool handle drives — submits, queue controls, streams — and the pool
 * machine's effects (`PoolEffects`): the machine decides, the engine carries it out.
 */
export class Engine<TInput = unknown, TOutput = unknown>
  implements PoolEffects, PoolEngine<TInput, TOutput>
{
  readonly dispatcher: Dispatcher;
  readonly door: Door;
  readonly controls: QueueControls;
  readonly bulk: BulkAdmission;
  readonly workforce: Workforce;
  readonly exits: WorkerExits;
  readonly sweeps: Sweeps;
  readonly waiters: Waiters;
  readonly failures: Failures;
  /** A dynamic pool's sizing; `undefined` for a fixed pool. */
  readonly growth: Growth | undefined;
  readonly metrics: MetricsRecorder;
  readonly events$: Subject<PoolEvent>;
  /** What the engine's one timer does when something comes due. */
  readonly #timeouts: Timeouts;

  constructor(config: PoolConfig<unknown, unknown>) {
    const parts = makeParts(config, (item) => this.#timeouts.due(item));
    let limiter: RateLimiter | undefined;
    if (config.rate !== undefined) {
      const rate = new RateLimiter(config.rate);
      parts.metrics.throttled = (now) => rate.throttledMs(now);
      limiter = rate;
    }
    const d = (this.dispatcher = new Dispatcher(parts, limiter));
    this.#timeouts = new Timeouts(d);
    this.sweeps = new Sweeps(d);
    this.door = new Door(d, this.sweeps);
    this.growth =
      config.sizing === undefined
        ? undefined
        : new Growth(d, this.door, config.sizing, config.size);
    this.failures = new Failures(d, this.growth);
    this.waiters = new Waiters(parts.metrics);
    const occupancy = new Occupancy(parts, this.growth);
    d.join({
      door: this.door,
      occupancy,
      failures: this.failures,
      waiters: this.waiters,
      growth: this.growth,
    });
    this.controls = new QueueControls(d, this.sweeps);
    this.bulk = new BulkAdmission(d);
    this.workforce = new Workforce(d);
    this.exits = new WorkerExits(d);
    this.metrics = parts.metrics;
    this.events$ = parts.events$;
  }

  // ---- what the pool handle drives (PoolEngine) -----------------------------------------------

  get tasks(): Dispatcher {
    return this.dispatcher;
  }
  submit(input: TInput, options?: SubmitOptions): Promise<TaskResult<TOutput>> {
    return this.dispatcher.admit(input, options, false) as Promise<TaskResult<TOutput>>;
  }
  run(input: TInput, options?: SubmitOptions): Promise<TOutput> {
    return this.dispatcher.admit(input, options, true) as Promise<TOutput>;
  }
  submitMany(inputs: Iterable<TInput>, options?: SubmitOptions): Promise<TaskResult<TOutput>[]> {
    return this.bulk.submitMany(inputs, options) as Promise<TaskResult<TOutput>[]>;
  }
  setPriority(id: string, priority: number): boolean {
    return this.controls.setPriority(id, priority);
  }
  get queueSize(): number {
    return this.controls.queueSize;
  }
  get pending(): number {
    return this.controls.pending;
  }
  get isPaused(): boolean {
    return this.controls.isPaused;
  }
  pause(): boolean {
    return this.controls.pause();
  }
  resume(start = true): boolean {
    return this.controls.resume(start);
  }
  clear(reason: unknown): number {
    return this.controls.clear(reason);
  }
  whenSizeBelow(n: number): Promise<void> {
    return this.controls.whenSizeBelow(n);
  }
  workers(): WorkerSnapshot[] {
    return this.workforce.workers();
  }
  liveCount(): number {
    return this.workforce.liveCount();
  }
  get bounds(): { readonly min: number; readonly max: number } | undefined {
    const growth = this.growth;
    return growth === undefined ? undefined : { min: growth.min, max: growth.max };
  }
  setBounds(min: number, max: number): void {
    this.growth?.setBounds(min, max);
  }
  boundsChanged(): void {
    this.growth?.boundsChanged();
  }
  get sizeTarget(): number {
    return this.growth?.target ?? 0;
  }
  set sizeTarget(size: number) {
    const growth = this.growth;
    if (growth === undefined) return;
    const shrank = size < growth.target;
    growth.target = size;
    // A seat given up ('temporary') may leave queued work with no worker: ask for one now.
    if (shrank) growth.demand();
  }
  get onScale(): ((request: ScaleRequest) => void) | undefined {
    return this.growth?.onScale;
  }
  set onScale(onScale: ((request: ScaleRequest) => void) | undefined) {
    if (this.growth !== undefined) this.growth.onScale = onScale;
  }
  get results$(): Subject<TaskOutcome<TOutput>> {
    // The engine runs untyped inputs and outputs; this facade is where the pool's types are put on.
    return this.dispatcher.results$ as unknown as Subject<TaskOutcome<TOutput>>;
  }
  get deadLetters$(): Subject<DeadLetter<TInput>> {
    return this.failures.deadLetters$ as unknown as Subject<DeadLetter<TInput>>;
  }

  // ---- the pool machine's effects (PoolEffects) ------------------------------------------------

  get seats(): Workforce['seats'] {
    return this.workforce.seats;
  }
  open(): void {
    this.door.open();
  }
  refuse(reason: RejectReason, message: string, cause?: unknown): void {
    this.door.close(reason, message, cause);
    this.sweeps.dropWaiting(reason, message, cause);
  }
  abortAll(reason: unknown): void {
    this.sweeps.abortAll(reason);
  }
  rejectQueued(reason: RejectReason, message: string, cause?: unknown): void {
    this.sweeps.rejectQueued(reason, message, cause);
  }
  whenIdle(): Promise<void> {
    return this.waiters.whenIdle();
  }
  emit(event: PoolEvent): void {
    if (this.events$.observed) this.events$.next(event);
  }
  attach(id: string, seat: string, generation: number, ref: AnyActorRef, restart = true): void {
    this.workforce.attach(id, seat, generation, ref, restart);
  }
  ready(id: string, resource: unknown): void {
    this.workforce.ready(id, resource);
  }
  replacing(id: string, cause: unknown): void {
    this.exits.replacing(id, cause);
  }
  crashed(id: string, cause: unknown): boolean {
    return this.exits.crashed(id, cause);
  }
  stopped(id: string, teardownError: unknown): void {
    this.exits.stopped(id);
    this.workforce.stopped(id, teardownError);
  }
  lateTeardownFailed(id: string, error: unknown): void {
    this.workforce.lateTeardownFailed(id, error);
  }
  readyCount(): number {
    return this.workforce.readyCount();
  }
  mayBeEmpty(): boolean {
    return this.growth !== undefined && this.growth.mayBeEmpty();
  }
  liveSeats(): Set<string> {
    return this.workforce.liveSeats();
  }
  workerRoom(seats: { readonly size: number; has(seat: string): boolean }): number {
    return this.growth === undefined ? Infinity : this.growth.workerRoom(seats);
  }
  stopSeat(seat: string, cause: unknown): void {
    this.exits.stopSeat(seat, cause);
  }
  retireSeat(seat: string): boolean {
    return this.workforce.retireSeat(seat);
  }
  shrink(count: number): string[] {
    return this.workforce.shrink(count);
  }
  stopAll(): void {
    this.workforce.stopAll();
  }
  forget(): void {
    this.workforce.forget();
  }
  startingWorkers(): string[] {
    return this.workforce.startingWorkers();
  }
  abandonStarting(): string[] {
    return this.workforce.abandonStarting();
  }

  // ---- what a worker's executor reports (RunReporter) ----------------------------------------

  reportStrayAnswer(workerId: string, taskId: number | undefined, detail: string): void {
    this.dispatcher.runner.reportStrayAnswer(workerId, taskId, detail);
  }
  countLate(): void {
    this.dispatcher.runner.countLate();
  }
  requeueRun(workerId: string, taskId: number): void {
    this.exits.requeueRun(workerId, taskId);
  }
  limitLanes(workerId: string, limit: number): void {
    this.exits.limitLanes(workerId, limit);
  }
  giveBack(workerId: string, taskIds: readonly number[]): void {
    this.exits.giveBack(workerId, taskIds);
  }

  // ---- what a batch pool's batcher needs ------------------------------------------------------

  /** The engine as a batch pool's batcher sees it: its tasks are arrays of inputs. */
  batchTarget<TInput>(): BatchTarget<TInput, readonly unknown[]> {
    const { door, dispatcher, waiters } = this;
    return {
      get isAccepting() {
        return door.accepting;
      },
      rejectAtDoor: (reason, message) => door.refuse(reason, message),
      turnedAway: (signal) => door.turnedAway(signal),
      submit: (batch) => dispatcher.submit(batch) as Promise<TaskResult<readonly unknown[]>>,
      whenIdle: () => waiters.whenIdle(),
    };
  }
}
