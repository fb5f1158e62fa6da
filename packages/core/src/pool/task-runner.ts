import { Subject } from 'rxjs';
import { DeadlineHeap } from '../time/deadline-heap.js';
import { RateLimiter } from '../scheduling/rate-limiter.js';
import type { SizingConfig } from '../scaling/sizing-options.js';
import {
  TaskCancelled,
  TaskFailed,
  TaskRejected,
  TaskTimedOut,
  WorkerCrashed,
  WorkerCrashedError,
  type RejectReason,
  type TaskError,
} from '../errors.js';
import { planFailure } from '../supervision/failure-plan.js';
import { MetricsRecorder } from '../metrics/metrics.js';
import { Histogram } from '../metrics/histogram.js';
import { Backlog } from './backlog.js';
import { WorkerRoster } from './worker-roster.js';
import type { PoolConfig } from './options.js';
import type { DeadLetter, PoolEvent, TaskOutcome } from './pool-events.js';
import { err, ok, type TaskResult } from '../result.js';
import { ownExtras, RetryEntry, Task, TaskState, type Ticks } from './task.js';
import { AdoptedRun } from './adopted-run.js';
import { SizeWaiters } from './size-waiters.js';
import { describeValue, isInstance } from '../describe-value.js';
import {
  outOfService,
  RunContext,
  Slot,
  SLOT_BUSY,
  SLOT_GONE,
  SLOT_IDLE,
  SLOT_STOPPING,
  type Lane,
  type WorkerSlot,
} from './worker-slot.js';

/** The engine's own `then`: a promise that has it answers once, and never synchronously. */
// eslint-disable-next-line @typescript-eslint/unbound-method
const nativeThen = Promise.prototype.then;
type ThenMethod = (this: unknown, ...handlers: unknown[]) => unknown;

/**
 * The core of a pool's per-task hot path: running tasks on workers' slots, their outcomes,
 * retries, the rate limit, cancellation and timeouts, with their counters. It never sends an
 * actor event per task. How workers go idle and busy (and a dynamic pool grows and shrinks with
 * them) is `WorkerOccupancy`; admission is `TaskFlow`; the lifecycle calls of the pool machine
 * are `Dispatcher`.
 */
/** What `TaskRunner.gate` holds while dispatch is paused. */
export const PAUSED = Symbol('paused');

export abstract class TaskRunner<TInput, TOutput> {
  readonly metrics: MetricsRecorder;
  readonly results$ = new Subject<TaskOutcome<TOutput>>();
  readonly events$ = new Subject<PoolEvent>();
  readonly deadLetters$ = new Subject<DeadLetter<TInput>>();
  protected readonly config: PoolConfig<TInput, TOutput>;
  protected readonly backlog: Backlog;
  protected readonly roster: WorkerRoster;
  /** Running tasks' deadlines (on their slots) and retry delays, behind one timer. */
  protected readonly timers: DeadlineHeap<Slot | RetryEntry | RateLimiter>;
  /** The limit on task starts (`rate`), if any. */
  protected readonly limiter: RateLimiter | undefined;
  protected readonly retries = new Map<Task, RetryEntry>();
  protected accepting = false;
  protected refusal: RejectReason = 'pool-closed';
  protected refusalMessage: string;
  protected nextTaskId = 0;
  /** Clock time that task timestamps (`Ticks`) count from. */
  protected readonly epoch: number;
  /** Clock time of the last run outcome: the start time of the next task on that worker. */
  protected settledAt = 0;
  protected idleWaiters: (() => void)[] = [];
  /** Someone waits for the pool to be idle or its queue to shrink: `settle` checks (`checkWaiters`). */
  protected watched = false;
  /** Dynamic size (`size: { min, max, … }`), or `undefined` for a fixed pool. */
  readonly sizing: SizingConfig | undefined;
  /** The number of workers the pool machine aims for (kept in step by the pool handle). */
  sizeTarget: number;
  /** Unsettled tasks that carry a caller's id. */
  protected readonly named = new Map<string, Task>();
  /** Tasks one worker runs at once (`worker.concurrency`). */
  protected readonly lanes: number;
  /** The executor's thenables answer once and never synchronously (`WorkerLogic.answersOnce`). */
  protected readonly answersOnce: boolean;
  /**
   * What may hold task starts back: the rate limit, `PAUSED` while dispatch is paused, or
   * nothing. One field for both, so a pool with neither asks one question per start, as before
   * there was a pause (`mayStart` tells them apart).
   */
  protected gate: RateLimiter | typeof PAUSED | undefined;
  /** Callers of `onSizeLessThan` / `onEmpty`. */
  protected readonly sizeWaiters = new SizeWaiters();

  constructor(config: PoolConfig<TInput, TOutput>) {
    this.config = config;
    this.epoch = config.clock.now();
    this.metrics = new MetricsRecorder(config.clock.now(), config.windowMs);
    this.backlog = new Backlog(config, config.clock, this.metrics);
    const queue = this.backlog.priority;
    if (queue !== undefined) {
      this.metrics.levelWait = Array.from({ length: queue.levels }, () => new Histogram());
      this.metrics.levelSizes = () => queue.sizes();
    }
    this.timers = new DeadlineHeap<Slot | RetryEntry | RateLimiter>(config.clock, (item) =>
      item instanceof Slot
        ? this.expire(item)
        : item instanceof RetryEntry
          ? this.requeue(item)
          : this.wake(),
    );
    if (config.rate === undefined) this.limiter = undefined;
    else {
      const limiter = new RateLimiter(config.rate);
      this.limiter = limiter;
      this.metrics.throttled = (now) => limiter.throttledMs(now);
    }
    this.gate = this.limiter;
    this.roster = new WorkerRoster(this.metrics, config.clock, this.timers);
    this.sizing = config.sizing;
    this.sizeTarget = config.size;
    this.lanes = config.logic.concurrency ?? 1;
    this.answersOnce = config.logic.answersOnce === true;
    if (config.sizing?.target !== undefined && 'queueWaitP99Ms' in config.sizing.target) {
      this.metrics.recentWait = new Histogram();
    }
    this.refusalMessage = `pool '${config.name}' is stopped: call start() first`;
  }

  /**
   * A clock time as a task timestamp (see `Ticks`: 1024 a millisecond, written out because a
   * constant imported from another module costs a load per call on the per-task path).
   */
  protected tick(now: number): Ticks {
    return Math.round((now - this.epoch) * 1024);
  }

  /** A task timestamp back as clock time. */
  protected time(ticks: Ticks): number {
    return ticks / 1024 + this.epoch;
  }

  /** Takes queued tasks onto a free slot (from time `now`) until the queue is empty or the slot is busy. */
  protected pump(slot: Lane, now: number): void {
    for (;;) {
      // Read per task: a synchronous task may pause the pool.
      if (
        this.gate !== undefined &&
        (this.metrics.queued > 0 || this.metrics.waiting > 0) &&
        !this.mayStart(now)
      ) {
        return this.park(slot, now);
      }
      const task = this.backlog.next();
      if (task === undefined) return this.park(slot, now);
      if (!this.start(slot, task, now)) return;
      now = this.settledAt;
    }
  }

  /** Runs `task` on `slot` from time `now`. Returns `true` when it finished synchronously and the slot is free. */
  protected start(slot: Lane, task: Task, now: number): boolean {
    const m = this.metrics;
    const wait = now - this.time(task.t);
    m.queueWait.record(wait);
    if (m.levelWait !== undefined) m.levelWait[task.x?.priority ?? 0]!.record(wait);
    if (m.recentWait !== undefined) m.recentWait.record(wait);
    task.t = this.tick(now);
    task.state = TaskState.running;
    m.active++;
    let wentBusy = false;
    if (slot.status === SLOT_IDLE) {
      slot.status = SLOT_BUSY;
      const worker = slot.primary;
      if (worker.busyLanes++ === 0) {
        // An idle worker of a dynamic pool is in the timer heap for its idle timeout.
        if (worker.heapIndex >= 0) this.timers.remove(worker);
        m.busy(now, 1);
        wentBusy = true;
      }
    }
    slot.task = task;
    const ctx = new RunContext(slot, task);
    slot.ctx = ctx;
    const timeoutMs = task.x?.timeoutMs ?? this.config.timeoutMs;
    if (timeoutMs !== undefined && timeoutMs !== Infinity) {
      slot.deadline = now + timeoutMs;
      this.timers.add(slot);
    }
    let result: unknown;
    let then: unknown;
    try {
      result = this.config.logic.run(task.input as TInput, ctx);
      // Read once, as Promises/A+ does: a `then` getter may throw, or answer differently twice.
      if (typeof result === 'object' ? result !== null : typeof result === 'function')
        then = (result as { then?: unknown }).then;
    } catch (error) {
      if (wentBusy) this.showLater(slot.primary);
      return this.settleRun(slot, error, true);
    }
    // The actor hears of busy after `run`: what the run sends (a thread's message, in a
    // microtask) goes before the actor's event.
    if (wentBusy) this.showLater(slot.primary);
    if (typeof then !== 'function') return this.settleRun(slot, result, false);
    if (then !== nativeThen && !this.answersOnce) {
      const run = new AdoptedRun(this, ctx);
      const answered = run.adopt(result, then as ThenMethod);
      return answered && this.settleRun(slot, run.value, run.failed);
    }
    try {
      // A native promise (or an executor's thenable that promises as much: `answersOnce`) calls
      // back once, later: the slot's bound handlers serve every run.
      void (then as ThenMethod).call(result, slot.onOk, slot.onErr);
    } catch (error) {
      // Not a promise after all (a borrowed `then`, a species constructor that throws).
      return this.settleRun(slot, error, true);
    }
    return false;
  }

  /** An answer for a run already settled — a second call-back, or one after a timeout/cancel — dropped. */
  reportStrayAnswer(workerId: string, taskId: number | undefined, detail: string): void {
    if (this.events$.observed)
      this.events$.next({ type: 'task.stray-answer', workerId, taskId, detail });
  }

  /** Counts an answer dropped because its run had already answered. */
  countLate(): void {
    this.metrics.late++;
  }

  /** A run's promise settled: record the outcome, then keep the worker going. */
  finish(slot: Lane, value: unknown, failed: boolean): void {
    if (this.settleRun(slot, value, failed)) {
      this.pump(slot, this.settledAt);
      // The queue shrank by the task the worker took next.
      if (this.watched) this.checkWaiters();
    }
  }

  /** Records a run's outcome. Returns `true` when the slot may take the next task. */
  protected settleRun(slot: Lane, value: unknown, failed: boolean): boolean {
    const task = slot.task!;
    slot.task = undefined;
    slot.ctx = undefined;
    if (slot.heapIndex >= 0) this.timers.remove(slot);
    const m = this.metrics;
    const now = this.config.clock.now();
    this.settledAt = now;
    if (task.state !== TaskState.running || outOfService(slot)) {
      // Already dealt with: cancelled, timed out, or its worker was taken out of service
      // (the task may even be running again elsewhere, as a retry).
      m.late++;
      if (this.events$.observed)
        this.reportStrayAnswer(
          slot.id,
          task.id,
          `task ${task.id}'s run answered after the task had settled (timed out, cancelled, or its worker stopped); its ${failed ? 'error' : 'value'} ${describeValue(value)} was dropped`,
        );
    } else {
      slot.tasksDone++;
      m.active--;
      const ranMs = now - this.time(task.t);
      if (!failed) {
        m.latency.record(ranMs);
        m.completed++;
        this.settle(task, ok(value));
      } else if (isInstance(value, WorkerCrashedError)) {
        m.runCrashed(ranMs);
        this.failRun(task, new WorkerCrashed(value, slot.id, task.id), slot.id, true, now);
      } else if (isInstance(value, TaskRejected)) {
        // The executor refused the input (one a thread cannot be sent): no retry would help.
        m.runFailed(ranMs);
        const rejected = value as TaskRejected;
        this.settleFailure(task, new TaskRejected(rejected.reason, rejected.message, task.id));
      } else {
        m.runFailed(ranMs);
        this.failRun(task, new TaskFailed(value, task.id), slot.id, false, now);
      }
    }
    if (outOfService(slot)) return false;
    if (failed && isInstance(value, WorkerCrashedError)) {
      this.crash(slot, value);
      return false;
    }
    return this.mayContinue(slot, now);
  }

  /**
   * A lane's run is over: whether it may take the next task (a retiring worker stops instead,
   * and a lane over its worker's lane limit rests).
   */
  protected mayContinue(slot: Lane, now: number): boolean {
    const worker = slot.primary;
    if (!worker.hold) return true;
    if (worker.retiring) {
      // A retiring worker stops once its last lane is done.
      if (worker.lanes !== undefined) this.leaveBusy(slot, now);
      if (worker.lanes === undefined || worker.busyLanes === 0) this.stopSlot(worker);
      return false;
    }
    const gate = worker.gate!;
    if (gate.over > 0) {
      this.leaveBusy(slot, now);
      gate.parked.push(slot);
    }
    worker.hold = gate.over > 0;
    return slot.status === SLOT_BUSY;
  }

  /**
   * A run ended without a value: retry the task, quarantine it (it keeps breaking workers),
   * or settle `error`, as its retry policy and history say.
   */
  protected failRun(
    task: Task,
    error: TaskError,
    workerId: string,
    brokeWorker: boolean,
    now: number,
  ): void {
    const { retry, quarantineAfter, random } = this.config;
    const policy = task.x?.retry ?? retry;
    if (policy === undefined && (!brokeWorker || quarantineAfter > 1)) {
      return this.settleFailure(task, error);
    }
    const x = ownExtras(task);
    if (brokeWorker) x.crashes++;
    (x.causes ??= []).push(error._tag === 'TaskTimedOut' ? error : error.cause);
    const plan = planFailure(error, x, policy, quarantineAfter, random);
    const m = this.metrics;
    if (plan.kind === 'settle') return this.settleFailure(task, error);
    if (plan.kind === 'quarantine') {
      m.quarantined++;
      m.crashed++;
      if (this.deadLetters$.observed) {
        const letter = {
          taskId: task.id,
          id: x.id,
          input: task.input as TInput,
          attempts: x.attempt,
          causes: [...x.causes],
        };
        this.deadLetters$.next(letter);
      }
      const cause = error._tag === 'TaskTimedOut' ? error : error.cause;
      return this.settle(task, err(new WorkerCrashed(cause, workerId, task.id, true)));
    }
    m.retries++;
    m.retrying++;
    task.state = TaskState.retrying;
    const entry = new RetryEntry(task, now + plan.delayMs);
    this.retries.set(task, entry);
    this.timers.add(entry);
  }

  /** Settles a run's failure, counted by kind. */
  protected settleFailure(task: Task, error: TaskError): void {
    const m = this.metrics;
    if (error._tag === 'TaskFailed') m.failed++;
    else if (error._tag === 'TaskTimedOut') m.timedOut++;
    else if (error._tag === 'WorkerCrashed') m.crashed++;
    else if (error._tag === 'TaskCancelled') m.cancelled++;
    else m.dropped++;
    this.settle(task, err(error));
  }

  /** A retry delay is over: the task queues again (past `capacity`: it was accepted long ago). */
  protected requeue(entry: RetryEntry): void {
    const task = entry.task;
    this.retries.delete(task);
    if (task.state !== TaskState.retrying) return;
    const m = this.metrics;
    m.retrying--;
    task.x!.attempt++;
    const now = this.config.clock.now();
    task.t = this.tick(now);
    this.backlog.enqueue(task);
    const slot = this.roster.idle.pop();
    if (slot !== undefined) this.pump(slot, now);
    else if (this.sizing !== undefined) this.demand();
  }

  /**
   * Whether a start is allowed at `now`: never while paused (`resume` starts the work); else
   * as the rate limit says (taking a start). When the rate limit holds, work waits: the pool
   * wakes up when the next start is allowed.
   */
  protected mayStart(now: number): boolean {
    const gate = this.gate;
    if (gate === undefined) return true;
    if (gate === PAUSED) return false;
    const limiter = gate;
    // Stamped with the clock now, not the (earlier) time the previous task settled: a quota
    // counts the starts as the outside world sees them.
    now = this.config.clock.now();
    if (limiter.tryTake(now)) return true;
    const at = limiter.throttled(now);
    if (limiter.heapIndex < 0) {
      limiter.deadline = at;
      this.timers.add(limiter);
    }
    return false;
  }

  /** The rate limit allows starts again: free workers take queued tasks. */
  protected wake(): void {
    const now = this.config.clock.now();
    // Paused, it is the pause that holds the work, not the rate limit (`resume` starts it).
    if ((this.metrics.queued === 0 && this.metrics.waiting === 0) || this.gate === PAUSED) {
      this.limiter!.unthrottled(now);
      return;
    }
    const idle = this.roster.idle;
    while (
      idle.length > 0 &&
      (this.metrics.queued > 0 || this.metrics.waiting > 0) &&
      this.limiter!.heapIndex < 0
    ) {
      this.pump(idle.pop()!, now);
    }
    if (this.watched) this.checkWaiters();
  }

  /** Gives a task its one outcome. */
  protected settle(task: Task, result: TaskResult<unknown>): void {
    task.state = TaskState.done;
    const x = task.x;
    if (x !== undefined) {
      if (x.onAbort !== undefined) {
        x.signal!.removeEventListener('abort', x.onAbort);
        x.onAbort = undefined;
      }
      if (x.id !== undefined) this.named.delete(x.id);
    }
    const reject = task.reject;
    if (reject === undefined) task.resolve(result);
    else if (result._tag === 'Right') (task.resolve as (value: unknown) => void)(result.right);
    else reject(result.left);
    if (this.results$.observed) this.tellResult(task, result);
    if (this.watched) this.checkWaiters();
  }

  /** Emits a task's outcome on `results$` (only while observed; apart, to keep `settle` small). */
  private tellResult(task: Task, result: TaskResult<unknown>): void {
    const x = task.x;
    this.results$.next({
      taskId: task.id,
      id: x === undefined ? undefined : x.id,
      result: result as TaskResult<TOutput>,
    });
  }

  // ---- what workers do between tasks (see WorkerOccupancy) -------------------------------

  /** A slot went idle ⇄ busy: its worker actor is told later (see `WorkerOccupancy.showLater`). */
  protected abstract showLater(slot: WorkerSlot): void;
  /** A lane finished its task (its worker retires after its last one). */
  protected abstract leaveBusy(slot: Lane, now: number): void;
  /** A slot has nothing to do: it waits in the idle stack. */
  protected abstract park(slot: Lane, now: number): void;
  /** Work waits in the queue of a dynamic pool: maybe one more worker. */
  protected abstract demand(): void;
  /** An idle worker of a dynamic pool reached its idle timeout. */
  protected abstract idleTimeout(slot: WorkerSlot): void;

  // ---- cancellation, timeouts, overflow ---------------------------------------------------

  /** A refusal at the door: counted in `rejected`, told on `events$`. */
  protected refuseAtDoor(reason: RejectReason, message: string): TaskResult<never> {
    this.metrics.rejected++;
    const error = new TaskRejected(reason, message);
    if (this.events$.observed) this.events$.next({ type: 'task.rejected', reason, message });
    return err(error);
  }

  protected listen(task: Task, signal: AbortSignal): void {
    const x = task.x!;
    x.onAbort = () => this.cancel(task, signal.reason);
    signal.addEventListener('abort', x.onAbort, { once: true });
  }

  protected cancel(task: Task, reason: unknown): void {
    const m = this.metrics;
    switch (task.state) {
      case TaskState.done:
        return;
      case TaskState.queued:
      case TaskState.waiting:
        this.backlog.forget(task);
        m.cancelled++;
        this.settle(task, err(new TaskCancelled(reason, task.id)));
        return;
      case TaskState.retrying: {
        m.retrying--;
        m.cancelled++;
        const entry = this.retries.get(task);
        this.retries.delete(task);
        if (entry !== undefined) this.timers.remove(entry);
        this.settle(task, err(new TaskCancelled(reason, task.id)));
        return;
      }
      case TaskState.running: {
        m.active--;
        m.cancelled++;
        const slot = this.roster.running(task);
        this.settle(task, err(new TaskCancelled(reason, task.id)));
        // The run cannot be pre-empted: its worker stays busy until the promise settles
        // (or its deadline passes); its signal tells cooperative code to stop.
        slot?.ctx?.abort(reason);
        return;
      }
    }
  }

  /**
   * A task ran past its deadline: it settles now (or is retried) and its run's signal aborts.
   * A run cannot be pre-empted. By default (`supervision.timeouts: 'fail-task'`) that is all:
   * the lane leaves the run behind and takes the next task (an answer the run still gives is
   * dropped as stray); an executor that must stop the run (a thread) replaces its worker when
   * told of the abort. With `'crash-worker'` the worker is crashed, counted by the supervisor.
   */
  protected expire(slot: Lane): void {
    const task = slot.task;
    if (task === undefined) return this.idleTimeout(slot);
    const timeoutMs = task.x?.timeoutMs ?? this.config.timeoutMs ?? 0;
    const error = new TaskTimedOut(timeoutMs, task.id);
    const crashWorker = this.config.supervision.timeouts === 'crash-worker';
    const m = this.metrics;
    const now = this.config.clock.now();
    if (task.state === TaskState.running) {
      m.active--;
      m.runTimedOut(now - this.time(task.t));
      slot.tasksDone++;
      // Only a hang that breaks its worker is a quarantine strike: otherwise a timeout is a
      // failure like a throw, retried as `retry` says, and ends `TaskTimedOut`.
      this.failRun(task, error, slot.id, crashWorker, now);
    }
    m.hangs++;
    if (this.events$.observed)
      this.events$.next({ type: 'task.timed-out', workerId: slot.id, taskId: task.id, timeoutMs });
    slot.ctx?.abort(error);
    if (crashWorker) return this.crash(slot, error);
    slot.abandonRun();
    // The executor may have given the worker up when told of the abort.
    if (outOfService(slot)) return;
    this.settledAt = now;
    if (this.mayContinue(slot, now)) this.pump(slot, now);
  }

  protected dropOldest(): void {
    const task = this.backlog.evictOldest();
    if (task === undefined) return;
    this.metrics.dropped++;
    const message = `dropped from the full queue of pool '${this.config.name}' to make room (overflow 'drop-oldest')`;
    this.settle(task, err(new TaskRejected('queue-full', message, task.id)));
  }

  protected isIdle(): boolean {
    const m = this.metrics;
    return m.queued === 0 && m.active === 0 && m.waiting === 0 && m.retrying === 0;
  }

  /**
   * Releases the callers waiting for the pool to be idle (`whenIdle`) or for its queue to be
   * shorter than their bound (`whenSizeBelow`) that may go now. Called as tasks settle (a task
   * can only leave the queue as one settles or the queue is cleared), after a worker that
   * finished takes its next task, and after a burst of starts.
   */
  protected checkWaiters(): void {
    const m = this.metrics;
    if (this.idleWaiters.length > 0 && this.isIdle()) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
    const size = m.queued + m.waiting;
    if (size < this.sizeWaiters.limit) this.sizeWaiters.check(size);
    this.watched = this.idleWaiters.length > 0 || this.sizeWaiters.limit > 0;
  }

  /** Crashes the worker of `slot` (any of its lanes). */
  protected crash(slot: Lane, cause: unknown): void {
    this.roster.retire(slot.primary, SLOT_GONE);
    slot.ref.send({ type: 'worker.crash', cause });
  }

  /** Stops the worker of `slot` (any of its lanes). */
  protected stopSlot(slot: Lane): void {
    this.roster.retire(slot.primary, SLOT_STOPPING);
    slot.ref.send({ type: 'worker.stop' });
  }
}
