import { Subject } from 'rxjs';
import {
  TaskCancelled,
  TaskFailed,
  TaskRejected,
  TaskTimedOut,
  WorkerCrashed,
  WorkerCrashedError,
  type TaskError,
} from '../errors.js';
import { isInstance } from '../describe-value.js';
import type { DeadLetter } from '../pool/pool-events.js';
import { err } from '../result.js';
import { planFailure } from '../supervision/failure-plan.js';
import type { Growth } from './growth.js';
import type { TaskPath } from './task-path.js';
import { ownExtras, RetryEntry, TaskState, type Task } from './task.js';

/**
 * What becomes of a run that ended without a value: retried after a delay, quarantined (it
 * keeps breaking workers: a dead letter), or settled with its error, as its retry policy and
 * history say. Holds the tasks waiting out a retry delay.
 */
export class Failures {
  readonly deadLetters$ = new Subject<DeadLetter<unknown>>();
  /** Tasks waiting out a retry delay, with their entry in the timer heap (made at the first retry). */
  #retries: Map<Task, RetryEntry> | undefined;

  constructor(
    private readonly path: TaskPath,
    private readonly growth: Growth | undefined,
  ) {}

  /**
   * A run threw (or its promise rejected) with `value`, `ranMs` after it started: a crash of its
   * worker (`WorkerCrashedError`), a refusal by the executor (no retry would help), or a failure.
   */
  runFailed(task: Task, value: unknown, workerId: string, ranMs: number, now: number): void {
    const m = this.path.metrics;
    if (isInstance(value, WorkerCrashedError)) {
      m.runCrashed(ranMs);
      this.failRun(task, new WorkerCrashed(value, workerId, task.id), workerId, true, now);
    } else if (isInstance(value, TaskRejected)) {
      // The executor refused the input (one a thread cannot be sent): no retry would help.
      m.runFailed(ranMs);
      const { reason, message } = value as TaskRejected;
      this.settleFailure(task, new TaskRejected(reason, message, task.id));
    } else if (this.path.config.logic.forwardsTaskErrors === true && isForwarded(value)) {
      // A remote executor's task ended there with this error: settled (or retried) by its tag.
      if (value._tag === 'TaskTimedOut') m.runTimedOut(ranMs);
      else if (value._tag === 'WorkerCrashed') m.runCrashed(ranMs);
      else m.runFailed(ranMs);
      this.failRun(task, value, workerId, false, now);
    } else {
      m.runFailed(ranMs);
      this.failRun(task, new TaskFailed(value, task.id), workerId, false, now);
    }
  }

  /**
   * A run ended without a value: retry the task, quarantine it, or settle `error`.
   * `brokeWorker`: the run took its worker down (a quarantine strike).
   */
  failRun(task: Task, error: TaskError, workerId: string, brokeWorker: boolean, now: number): void {
    const { retry, quarantineAfter, random, tracing } = this.path.config;
    if (tracing !== undefined) tracing.runFailed(task, error, now);
    const policy = task.x?.retry ?? retry;
    if (policy === undefined && (!brokeWorker || quarantineAfter > 1)) {
      return this.settleFailure(task, error);
    }
    const x = ownExtras(task);
    if (brokeWorker) x.crashes++;
    (x.causes ??= []).push(error._tag === 'TaskTimedOut' ? error : error.cause);
    const plan = planFailure(error, x, policy, quarantineAfter, random);
    const m = this.path.metrics;
    if (plan.kind === 'settle') return this.settleFailure(task, error);
    if (plan.kind === 'quarantine') {
      m.quarantined++;
      m.crashed++;
      if (this.deadLetters$.observed) {
        const { id, attempt: attempts, causes } = x;
        this.deadLetters$.next({
          taskId: task.id,
          id,
          input: task.input,
          attempts,
          causes: [...causes],
        });
      }
      const cause = error._tag === 'TaskTimedOut' ? error : error.cause;
      return this.path.settle(task, err(new WorkerCrashed(cause, workerId, task.id, true)));
    }
    m.retries++;
    m.retrying++;
    task.state = TaskState.retrying;
    const entry = new RetryEntry(task, now + plan.delayMs);
    (this.#retries ??= new Map<Task, RetryEntry>()).set(task, entry);
    this.path.timers.add(entry);
  }

  /** Settles a run's failure, counted by kind. */
  settleFailure(task: Task, error: TaskError): void {
    const m = this.path.metrics;
    if (error._tag === 'TaskFailed') m.failed++;
    else if (error._tag === 'TaskTimedOut') m.timedOut++;
    else if (error._tag === 'WorkerCrashed') m.crashed++;
    else if (error._tag === 'TaskCancelled') m.cancelled++;
    else m.dropped++;
    this.path.settle(task, err(error));
  }

  /** A retry delay is over: the task queues again (past `capacity`: it was accepted long ago). */
  requeue(entry: RetryEntry): void {
    const task = entry.task;
    this.#retries?.delete(task);
    if (task.state !== TaskState.retrying) return;
    const path = this.path;
    path.metrics.retrying--;
    task.x!.attempt++;
    const now = path.config.clock.now();
    task.t = path.tick(now);
    path.backlog.enqueue(task);
    const lane = path.roster.idle.pop();
    if (lane !== undefined) path.pump(lane, now);
    else if (this.growth !== undefined) this.growth.demand();
  }

  /** Takes a task out of its retry delay (it is being settled otherwise); `false` if it was not waiting. */
  withdraw(task: Task): boolean {
    const entry = this.#retries?.get(task);
    if (entry === undefined) return false;
    this.#retries!.delete(task);
    this.path.timers.remove(entry);
    this.path.metrics.retrying--;
    return true;
  }

  /** The tasks waiting out a retry delay now. */
  waiting(): Task[] {
    return this.#retries === undefined ? [] : [...this.#retries.keys()];
  }
}

/** A `TaskError` an executor with `forwardsTaskErrors` may reject a run with. */
function isForwarded(
  value: unknown,
): value is TaskFailed | TaskTimedOut | TaskCancelled | WorkerCrashed {
  return (
    isInstance(value, TaskFailed) ||
    isInstance(value, TaskTimedOut) ||
    isInstance(value, TaskCancelled) ||
    isInstance(value, WorkerCrashed)
  );
}
