import { TaskCancelled, TaskRejected, type RejectReason } from '../errors.js';
import { err } from '../result.js';
import type { Dispatcher } from './dispatcher.js';
import { TaskState, type Task } from './task.js';

/**
 * Taking tasks out of the flow before their run answers: one cancelled (its signal aborted),
 * or all of a kind at once — cleared, aborted by a close, refused by a failure, dropped from the
 * wait list when the door closes.
 */
export class Sweeps {
  constructor(private readonly path: Dispatcher) {}

  /** Cancels `task` wherever it stands with `TaskCancelled { cause: reason }`. */
  cancel(task: Task, reason: unknown): void {
    const { metrics: m, backlog, roster, failures } = this.path;
    switch (task.state) {
      case TaskState.done:
        return;
      case TaskState.queued:
      case TaskState.waiting:
        backlog.forget(task);
        m.cancelled++;
        return this.path.settle(task, err(new TaskCancelled(reason, task.id)));
      case TaskState.retrying:
        failures.withdraw(task);
        m.cancelled++;
        return this.path.settle(task, err(new TaskCancelled(reason, task.id)));
      case TaskState.running: {
        m.active--;
        m.cancelled++;
        const lane = roster.running(task);
        this.path.settle(task, err(new TaskCancelled(reason, task.id)));
        // The run cannot be pre-empted: its lane stays busy until the promise settles (or its
        // deadline passes); its signal tells cooperative code to stop.
        lane?.ctx?.abort(reason);
        return;
      }
    }
  }

  /**
   * Cancels every task not yet started — queued, waiting for room, waiting out a retry delay —
   * with `TaskCancelled { cause: reason }`; running tasks go on. Returns how many.
   */
  clear(reason: unknown): number {
    const path = this.path;
    let count = 0;
    for (const task of path.failures.waiting()) {
      this.cancel(task, reason);
      count++;
    }
    count += this.#settleAll(path.backlog.drainQueued(), (id) => new TaskCancelled(reason, id));
    count += this.#settleAll(path.backlog.drainWaiting(), (id) => new TaskCancelled(reason, id));
    // Nothing waits for the rate limit any more: no wake-up is left armed.
    if (path.metrics.queued + path.metrics.waiting === 0) this.#stopThrottling();
    if (path.waiters.watched) path.waiters.check();
    return count;
  }

  /** Cancels every queued and running task with `reason` (close with abort). */
  abortAll(reason: unknown): void {
    const path = this.path;
    this.#stopThrottling();
    for (const task of path.failures.waiting()) this.cancel(task, reason);
    this.#settleAll(path.backlog.drainQueued(), (id) => new TaskCancelled(reason, id));
    for (const worker of path.roster.values())
      for (const lane of worker.allLanes)
        if (lane.task !== undefined) this.cancel(lane.task, reason);
  }

  /** Refuses every queued task, and every one waiting out a retry, with `TaskRejected` (the pool failed). */
  rejectQueued(reason: RejectReason, message: string, cause?: unknown): void {
    const path = this.path;
    this.#stopThrottling();
    const retrying = path.failures.waiting();
    for (const task of retrying) path.failures.withdraw(task);
    const rejected = (id: number) => new TaskRejected(reason, message, id, cause);
    this.#settleAll(retrying, rejected);
    this.#settleAll(path.backlog.drainQueued(), rejected);
  }

  /** Submits that were waiting for room were accepted but never queued: the door closed, they are dropped. */
  dropWaiting(reason: RejectReason, message: string, cause?: unknown): void {
    this.#settleAll(
      this.path.backlog.drainWaiting(),
      (id) => new TaskRejected(reason, message, id, cause),
    );
  }

  /** Settles each task with an error made for it, counted (cancelled or dropped). */
  #settleAll(
    tasks: Iterable<Task>,
    error: (taskId: number) => TaskCancelled | TaskRejected,
  ): number {
    const path = this.path;
    let count = 0;
    for (const task of tasks) {
      const e = error(task.id);
      if (e._tag === 'TaskCancelled') path.metrics.cancelled++;
      else path.metrics.dropped++;
      path.settle(task, err(e));
      count++;
    }
    return count;
  }

  /** Nothing waits to start any more: the rate limit's wake-up is disarmed. */
  #stopThrottling(): void {
    const { limiter, timers, config } = this.path;
    if (limiter === undefined) return;
    if (limiter.heapIndex >= 0) timers.remove(limiter);
    limiter.unthrottled(config.clock.now());
  }
}
