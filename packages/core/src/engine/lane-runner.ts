import type { Subject } from 'rxjs';
import { WorkerCrashedError } from '../errors.js';
import { describeValue, isInstance } from '../describe-value.js';
import type { MetricsRecorder } from '../metrics/metrics.js';
import type { PoolConfig } from '../pool/options.js';
import type { PoolEvent } from '../pool/pool-events.js';
import { ok } from '../result.js';
import { AdoptedRun, type AdoptedRunOwner } from './adopted-run.js';
import type { Failures } from './failures.js';
import type { Occupancy } from './occupancy.js';
import type { EngineParts, TaskPath } from './task-path.js';
import { TaskState, type Task } from './task.js';
import type { Waiters } from './waiters.js';
import type { WorkerRoster } from './worker-roster.js';
import { outOfService, RunContext, SLOT_BUSY, SLOT_IDLE, type Lane } from './worker-slot.js';

/** The engine's own `then`: a promise that has it answers once, and never synchronously. */
// eslint-disable-next-line @typescript-eslint/unbound-method
const nativeThen = Promise.prototype.then;
type ThenMethod = (this: unknown, ...handlers: unknown[]) => unknown;

/**
 * Runs tasks on lanes: calls the worker logic's `run` with the task's context, arms its
 * deadline, takes its answer — a value, a throw, a native promise (the lane's bound handlers,
 * no closure per run) or a foreign thenable (adopted once, `AdoptedRun`) — and records the
 * outcome. Lanes report their runs' answers here (`finish`).
 */
export class LaneRunner implements AdoptedRunOwner {
  /** Clock time of the last run outcome: the start time of the next task on that lane. */
  settledAt = 0;
  readonly #config: PoolConfig<unknown, unknown>;
  readonly #metrics: MetricsRecorder;
  readonly #timers: EngineParts['timers'];
  readonly #roster: WorkerRoster;
  readonly #events$: Subject<PoolEvent>;
  /** The executor's thenables answer once and never synchronously (`WorkerLogic.answersOnce`). */
  readonly #answersOnce: boolean;
  /** Clock time that task timestamps count from (the dispatcher's, copied: read per run). */
  readonly #epoch: number;
  #occupancy!: Occupancy;
  #failures!: Failures;
  #waiters!: Waiters;

  constructor(private readonly path: TaskPath) {
    this.#config = path.config;
    this.#metrics = path.metrics;
    this.#timers = path.timers;
    this.#roster = path.roster;
    this.#events$ = path.events$;
    this.#answersOnce = path.config.logic.answersOnce === true;
    this.#epoch = path.time(0);
  }

  /** Joins the parts made after it. */
  join(occupancy: Occupancy, failures: Failures, waiters: Waiters): void {
    this.#occupancy = occupancy;
    this.#failures = failures;
    this.#waiters = waiters;
  }

  /** Runs `task` on `lane` from time `now`. Returns `true` when it finished synchronously and the lane is free. */
  start(lane: Lane, task: Task, now: number): boolean {
    const m = this.#metrics;
    const wait = now - (task.t / 1024 + this.#epoch);
    m.queueWait.record(wait);
    if (m.levelWait !== undefined) m.levelWait[task.x?.priority ?? 0]!.record(wait);
    if (m.recentWait !== undefined) m.recentWait.record(wait);
    task.t = Math.round((now - this.#epoch) * 1024);
    task.state = TaskState.running;
    m.active++;
    let wentBusy = false;
    if (lane.status === SLOT_IDLE) {
      lane.status = SLOT_BUSY;
      const worker = lane.primary;
      if (worker.busyLanes++ === 0) {
        // An idle worker of a dynamic pool is in the timer heap for its idle timeout.
        if (worker.heapIndex >= 0) this.#timers.remove(worker);
        m.busy(now, 1);
        wentBusy = true;
      }
    }
    lane.task = task;
    const ctx = new RunContext(lane, task);
    lane.ctx = ctx;
    const timeoutMs = task.x?.timeoutMs ?? this.#config.timeoutMs;
    if (timeoutMs !== undefined && timeoutMs !== Infinity) {
      lane.deadline = now + timeoutMs;
      this.#timers.add(lane);
    }
    let result: unknown;
    let then: unknown;
    try {
      result = this.#config.logic.run(task.input, ctx);
      // Read once, as Promises/A+ does: a `then` getter may throw, or answer differently twice.
      if (typeof result === 'object' ? result !== null : typeof result === 'function')
        then = (result as { then?: unknown }).then;
    } catch (error) {
      if (wentBusy) this.#occupancy.showLater(lane.primary);
      return this.settleRun(lane, error, true);
    }
    // The actor hears of busy after `run`: what the run sends (a thread's message, in a
    // microtask) goes before the actor's event.
    if (wentBusy) this.#occupancy.showLater(lane.primary);
    if (typeof then !== 'function') return this.settleRun(lane, result, false);
    if (then !== nativeThen && !this.#answersOnce) {
      const run = new AdoptedRun(this, ctx);
      return run.adopt(result, then as ThenMethod) && this.settleRun(lane, run.value, run.failed);
    }
    try {
      // A native promise (or an executor's thenable that promises as much: `answersOnce`) calls
      // back once, later: the lane's bound handlers serve every run.
      void (then as ThenMethod).call(result, lane.onOk, lane.onErr);
    } catch (error) {
      // Not a promise after all (a borrowed `then`, a species constructor that throws).
      return this.settleRun(lane, error, true);
    }
    return false;
  }

  /** A run's promise settled: record the outcome, then keep the lane going. */
  finish(lane: Lane, value: unknown, failed: boolean): void {
    if (this.settleRun(lane, value, failed)) {
      this.path.pump(lane, this.settledAt);
      // The queue shrank by the task the lane took next.
      if (this.#waiters.watched) this.#waiters.check();
    }
  }

  /**
   * Records a run's outcome. Returns `true` when the lane may take the next task.
   *
   * Only a value answered in time is handled here; the rest (a failure, a late answer, a worker
   * that holds its lanes or left service) out of line. This function is inlined into the run
   * loop (`finish` → `pump`), and V8 inlines only up to a bytecode budget: measured, a larger
   * body here cost 5–10 % of throughput.
   */
  settleRun(lane: Lane, value: unknown, failed: boolean): boolean {
    const task = lane.task!;
    lane.task = undefined;
    lane.ctx = undefined;
    if (lane.heapIndex >= 0) this.#timers.remove(lane);
    const now = this.#config.clock.now();
    this.settledAt = now;
    if (failed || task.state !== TaskState.running || outOfService(lane))
      return this.#settleOther(lane, task, value, failed, now);
    const m = this.#metrics;
    lane.tasksDone++;
    m.active--;
    m.completed++;
    m.latency.record(now - (task.t / 1024 + this.#epoch));
    this.path.settle(task, ok(value));
    // (Whoever watches results$ may have taken the worker out of service meanwhile.)
    return !(lane.primary.hold || outOfService(lane)) || this.#mayGoOn(lane, value, false, now);
  }

  /** `settleRun` for a failed run, or an answer that came too late. */
  #settleOther(lane: Lane, task: Task, value: unknown, failed: boolean, now: number): boolean {
    const m = this.#metrics;
    if (task.state !== TaskState.running || outOfService(lane)) {
      // Already dealt with: cancelled, timed out, or its worker was taken out of service
      // (the task may even be running again elsewhere, as a retry).
      m.late++;
      if (this.#events$.observed)
        this.reportStrayAnswer(
          lane.id,
          task.id,
          `task ${task.id}'s run answered after the task had settled (timed out, cancelled, or its worker stopped); its ${failed ? 'error' : 'value'} ${describeValue(value)} was dropped`,
        );
    } else {
      lane.tasksDone++;
      m.active--;
      const ranMs = now - (task.t / 1024 + this.#epoch);
      if (failed) this.#failures.runFailed(task, value, lane.id, ranMs, now);
      else {
        m.latency.record(ranMs);
        m.completed++;
        this.path.settle(task, ok(value));
      }
    }
    return this.#mayGoOn(lane, value, failed, now);
  }

  /** After a run: whether its lane goes on (not when its worker left service or crashed). */
  #mayGoOn(lane: Lane, value: unknown, failed: boolean, now: number): boolean {
    if (outOfService(lane)) return false;
    if (failed && isInstance(value, WorkerCrashedError)) {
      this.#roster.crash(lane.primary, value);
      return false;
    }
    return this.mayContinue(lane, now);
  }

  /**
   * A lane's run is over: whether it may take the next task (a retiring worker stops instead,
   * and a lane over its worker's lane limit rests).
   */
  mayContinue(lane: Lane, now: number): boolean {
    const worker = lane.primary;
    if (!worker.hold) return true;
    if (worker.retiring) {
      // A retiring worker stops once its last lane is done.
      if (worker.lanes !== undefined) this.#occupancy.leaveBusy(lane, now);
      if (worker.lanes === undefined || worker.busyLanes === 0) this.#roster.stop(worker);
      return false;
    }
    const gate = worker.gate!;
    if (gate.over > 0) {
      this.#occupancy.leaveBusy(lane, now);
      gate.parked.push(lane);
    }
    worker.hold = gate.over > 0;
    return lane.status === SLOT_BUSY;
  }

  /** An answer for a run already settled — a second call-back, or one after a timeout or cancel — dropped. */
  reportStrayAnswer(workerId: string, taskId: number | undefined, detail: string): void {
    if (this.#events$.observed)
      this.#events$.next({ type: 'task.stray-answer', workerId, taskId, detail });
  }

  /** Counts an answer dropped because its run had already answered. */
  countLate(): void {
    this.#metrics.late++;
  }
}
