import { TaskTimedOut } from '../errors.js';
import type { RateLimiter } from '../scheduling/rate-limiter.js';
import type { Dispatcher } from './dispatcher.js';
import { RetryEntry, TaskState } from './task.js';
import { outOfService, Slot, type Lane } from './worker-slot.js';

/**
 * What the engine's one timer does when something comes due: a running task's deadline (or an
 * idle worker's idle timeout) on its lane, a retry delay, the rate limit's next start.
 */
export class Timeouts {
  constructor(private readonly path: Dispatcher) {}

  /** An item of the timer heap came due. */
  readonly due = (item: Slot | RetryEntry | RateLimiter): void => {
    if (item instanceof Slot) this.expire(item);
    else if (item instanceof RetryEntry) this.path.failures.requeue(item);
    else this.wake(item);
  };

  /**
   * A task ran past its deadline: it settles now (or is retried) and its run's signal aborts.
   * A run cannot be pre-empted. By default (`supervision.timeouts: 'fail-task'`) that is all:
   * the lane leaves the run behind and takes the next task (an answer the run still gives is
   * dropped as stray); an executor that must stop the run (a thread) replaces its worker when
   * told of the abort. With `'crash-worker'` the worker is crashed, counted by the supervisor.
   */
  expire(lane: Lane): void {
    const path = this.path;
    const task = lane.task;
    // A lane without a task is an idle worker of a dynamic pool: its idle timeout.
    if (task === undefined) return path.growth?.idleTimeout(lane);
    const { config, metrics: m } = path;
    const timeoutMs = task.x?.timeoutMs ?? config.timeoutMs ?? 0;
    const error = new TaskTimedOut(timeoutMs, task.id);
    const crashWorker = config.supervision.timeouts === 'crash-worker';
    const now = config.clock.now();
    if (task.state === TaskState.running) {
      m.active--;
      m.runTimedOut(now - path.time(task.t));
      lane.tasksDone++;
      // Only a hang that breaks its worker is a quarantine strike: otherwise a timeout is a
      // failure like a throw, retried as `retry` says, and ends `TaskTimedOut`.
      path.failures.failRun(task, error, lane.id, crashWorker, now);
    }
    m.hangs++;
    if (path.events$.observed)
      path.events$.next({ type: 'task.timed-out', workerId: lane.id, taskId: task.id, timeoutMs });
    lane.ctx?.abort(error);
    if (crashWorker) return path.roster.crash(lane.primary, error);
    lane.abandonRun();
    // The executor may have given the worker up when told of the abort.
    if (outOfService(lane)) return;
    if (path.runner.mayContinue(lane, now)) path.pump(lane, now);
  }

  /** The rate limit allows starts again: free lanes take queued tasks. */
  wake(limiter: RateLimiter): void {
    const path = this.path;
    const now = path.config.clock.now();
    const m = path.metrics;
    // Paused, it is the pause that holds the work, not the rate limit (`resume` starts it).
    if ((m.queued === 0 && m.waiting === 0) || path.isPaused) {
      limiter.unthrottled(now);
      return;
    }
    const idle = path.roster.idle;
    while (idle.length > 0 && (m.queued > 0 || m.waiting > 0) && limiter.heapIndex < 0)
      path.pump(idle.pop()!, now);
    if (path.waiters.watched) path.waiters.check();
  }
}
