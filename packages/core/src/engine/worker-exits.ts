import { TaskTimedOut, WorkerCrashed } from '../errors.js';
import { isInstance } from '../describe-value.js';
import type { Dispatcher } from './dispatcher.js';
import { TaskState } from './task.js';
import { outOfService, SLOT_GONE, SLOT_STARTING, SLOT_STOPPING, type Slot } from './worker-slot.js';

/**
 * Workers leaving against the plan — crashed, replaced by their executor, stopped with a crashed
 * sibling — and what their runs become; and what an executor says of its own worker while it
 * runs (`WorkerSetupContext`: a run is innocent, runs given back, a lane limit).
 */
export class WorkerExits {
  /** By worker: tasks running on it that its executor called innocent (`requeueRun`). */
  #innocent: Map<string, Set<number>> | undefined;

  constructor(private readonly path: Dispatcher) {}

  /**
   * A worker crashed (reported by its actor); its running tasks end `WorkerCrashed` (or are
   * retried). Returns `false` when the pool had already stopped that worker on purpose (a shrink,
   * a sibling restart, close): such an exit is not the supervisor's business.
   */
  crashed(id: string, cause: unknown): boolean {
    const { roster, metrics, events$ } = this.path;
    const worker = roster.get(id);
    if (worker === undefined) return false;
    const unplanned = worker.status !== SLOT_STOPPING && !worker.retiring;
    if (!isInstance(cause, TaskTimedOut)) metrics.crashes++;
    const requeued = this.#failRunning(worker, cause, true);
    roster.retire(worker, SLOT_GONE);
    if (requeued) this.path.resumeQueue();
    if (events$.observed) events$.next({ type: 'worker.crashed', workerId: id, cause });
    return unplanned;
  }

  /**
   * A worker's executor gave it up on purpose (`replace`): tasks still running on it end
   * `WorkerCrashed` (or are retried), and it stops. Not a crash: nothing is counted against the
   * worker or the supervisor's limits; the pool puts a new worker on the seat.
   */
  replacing(id: string, cause: unknown): void {
    const { roster, metrics, events$ } = this.path;
    const worker = roster.get(id);
    if (worker === undefined || outOfService(worker)) return;
    metrics.replaced++;
    const requeued = this.#failRunning(worker, cause, false);
    roster.retire(worker, SLOT_STOPPING);
    if (requeued) this.path.resumeQueue();
    if (events$.observed) events$.next({ type: 'worker.replaced', workerId: id, cause });
  }

  /**
   * Stops the worker on `seat` because the supervisor restarts it with a crashed sibling
   * (one-for-all, rest-for-one): its running tasks fail `WorkerCrashed` (or are retried).
   */
  stopSeat(seat: string, cause: unknown): void {
    const roster = this.path.roster;
    let requeued = false;
    for (const worker of roster.values()) {
      if (worker.seat !== seat || outOfService(worker)) continue;
      if (this.#failRunning(worker, cause, false)) requeued = true;
      roster.stop(worker);
    }
    if (requeued) this.path.resumeQueue();
  }

  /** A worker actor stopped: nothing it said of its runs matters any more. */
  stopped(id: string): void {
    this.#innocent?.delete(id);
  }

  /**
   * The tasks running on `worker` end `WorkerCrashed` with `cause` (or are retried); whatever
   * still runs on the resource is told to stop. `brokeWorker`: the task counts towards
   * quarantine. Tasks its executor called innocent go back to the front of the queue instead,
   * nothing counted. Returns whether any did (the caller resumes the queue once the worker is out
   * of service, so that they do not land on it again).
   */
  #failRunning(worker: Slot, cause: unknown, brokeWorker: boolean): boolean {
    const path = this.path;
    const innocent = this.#innocent?.get(worker.id);
    this.#innocent?.delete(worker.id);
    let requeued = false;
    for (const lane of worker.allLanes) {
      const task = lane.task;
      if (task === undefined || task.state !== TaskState.running) continue;
      const now = path.config.clock.now();
      path.metrics.active--;
      if (innocent?.has(task.id) === true) {
        // As if it had never left the queue: no attempt, no strike, no latency.
        task.t = path.tick(now);
        path.backlog.enqueueFront(task);
        requeued = true;
      } else {
        path.metrics.runCrashed(now - path.time(task.t));
        lane.tasksDone++;
        const error = new WorkerCrashed(cause, lane.id, task.id);
        path.failures.failRun(task, error, lane.id, brokeWorker, now);
      }
      lane.ctx?.abort(cause);
    }
    return requeued;
  }

  /**
   * The executor says the run of `taskId` on the worker is innocent of the worker's coming end
   * (`WorkerSetupContext.requeue`): when the worker crashes or is replaced, the task goes back to
   * the front of the queue, nothing counted.
   */
  requeueRun(workerId: string, taskId: number): void {
    const worker = this.path.roster.get(workerId);
    if (worker === undefined || outOfService(worker)) return;
    const running = worker.allLanes.some(
      (lane) => lane.task?.id === taskId && lane.task.state === TaskState.running,
    );
    if (!running) return;
    const byWorker = (this.#innocent ??= new Map<string, Set<number>>());
    let innocent = byWorker.get(workerId);
    if (innocent === undefined) byWorker.set(workerId, (innocent = new Set()));
    innocent.add(taskId);
  }

  /**
   * The executor gives back runs its resource has not started (`WorkerSetupContext.giveBack`):
   * their tasks go back to the front of the queue in the order given, as if they had never left
   * it — no attempt, retry or quarantine strike counted — and their lanes are free (or rest, over
   * the worker's lane limit). An answer the resource still gives for one of them is dropped as
   * stray. Ids of tasks not running on the worker are ignored.
   */
  giveBack(workerId: string, taskIds: readonly number[]): void {
    const path = this.path;
    const worker = path.roster.get(workerId);
    if (worker === undefined || outOfService(worker)) return;
    const innocent = this.#innocent?.get(workerId);
    const now = path.config.clock.now();
    let requeued = false;
    for (let i = taskIds.length - 1; i >= 0; i--) {
      const taskId = taskIds[i];
      const lane = worker.allLanes.find((l) => l.task?.id === taskId);
      if (lane === undefined) continue;
      const task = lane.task!;
      innocent?.delete(task.id);
      if (lane.heapIndex >= 0) path.timers.remove(lane);
      lane.abandonRun();
      // Settled meanwhile (cancelled while it waited on the resource): only its lane is freed.
      if (task.state === TaskState.running) {
        path.metrics.active--;
        task.t = path.tick(now);
        path.backlog.enqueueFront(task);
        requeued = true;
      }
      if (path.runner.mayContinue(lane, now)) path.occupancy.park(lane, now);
    }
    if (requeued) path.resumeQueue();
  }

  /**
   * The executor caps how many of the worker's lanes take tasks (`WorkerSetupContext.limitLanes`,
   * checked there): idle lanes over the new limit leave the idle stack, busy ones rest when their
   * run ends; under it, resting lanes come back and take queued work.
   */
  limitLanes(workerId: string, limit: number): void {
    const path = this.path;
    const worker = path.roster.get(workerId);
    const gate = worker?.gate;
    if (worker === undefined || gate === undefined || gate.limit === limit) return;
    gate.limit = limit;
    // Before it is ready its lanes are nowhere yet: `ready` applies the limit.
    if (worker.status === SLOT_STARTING || outOfService(worker) || worker.retiring) return;
    let over = gate.over;
    const idle = path.roster.idle;
    if (over > 0) {
      let kept = 0;
      for (let i = 0; i < idle.length; i++) {
        const lane = idle[i]!;
        if (over > 0 && lane.primary === worker) {
          gate.parked.push(lane);
          over--;
        } else idle[kept++] = lane;
      }
      idle.length = kept;
      worker.hold = over > 0;
      return;
    }
    worker.hold = false;
    const now = path.config.clock.now();
    const m = path.metrics;
    for (; over < 0 && gate.parked.length > 0; over++) {
      const lane = gate.parked.pop()!;
      if (m.queued > 0 || m.waiting > 0) path.pump(lane, now);
      else idle.push(lane);
    }
  }
}
