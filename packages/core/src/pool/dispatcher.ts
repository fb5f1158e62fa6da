import type { AnyActorRef } from 'xstate';
import {
  InvalidOptionError,
  TaskCancelled,
  TaskRejected,
  TaskTimedOut,
  WorkerCrashed,
  type RejectReason,
} from '../errors.js';
import type { WorkerSnapshot } from './worker-roster.js';
import type { PoolEffects } from './pool-effects.js';
import type { PoolEvent } from './pool-events.js';
import { SeatTable } from './seat-table.js';
import { err, type TaskResult } from '../result.js';
import { ownExtras, TaskState } from './task.js';
import { checkPriority, priorityRange } from './submit-options.js';
import {
  LaneGate,
  outOfService,
  Slot,
  SLOT_BUSY,
  SLOT_GONE,
  SLOT_IDLE,
  SLOT_STARTING,
  SLOT_STOPPING,
} from './worker-slot.js';
import { QueueControl } from './queue-control.js';
import { PAUSED } from './task-runner.js';
import { isInstance } from '../describe-value.js';

/**
 * A pool's dispatcher: the task flow, plus the lifecycle the pool machine drives through it
 * (open, refuse, drain, abort; workers joining, crashing and stopping; shrink): the machine's
 * effects (`PoolEffects`).
 */
export class Dispatcher<TInput, TOutput>
  extends QueueControl<TInput, TOutput>
  implements PoolEffects
{
  /** The pool's seats and worker actors (see `PoolEffects.seats`). */
  readonly seats = new SeatTable();
  /** By worker: tasks running on it that its executor called innocent (`requeue`). */
  readonly #innocent = new Map<string, Set<number>>();

  /** Whether submits are taken now. */
  get isAccepting(): boolean {
    return this.accepting;
  }

  /** Refuses a submit at the door (counted in `rejected`, told on `events$`). */
  rejectAtDoor(reason: RejectReason, message: string): TaskResult<never> {
    return this.refuseAtDoor(reason, message);
  }

  /** Tells `events$` (nothing is built for a stream nobody watches). */
  emit(event: PoolEvent): void {
    if (this.events$.observed) this.events$.next(event);
  }

  /** Starts taking submits. */
  open(): void {
    this.accepting = true;
  }

  /** Stops taking submits; later ones get `TaskRejected` with `reason`. */
  refuse(reason: RejectReason, message: string): void {
    this.accepting = false;
    this.refusal = reason;
    this.refusalMessage = message;
    // Submits that were waiting for room were accepted but never queued: they are dropped.
    for (const task of this.backlog.drainWaiting()) {
      this.metrics.dropped++;
      this.settle(task, err(new TaskRejected(reason, message, task.id)));
    }
  }

  /** Cancels every queued and running task with `reason` (close with abort). */
  abortAll(reason: unknown): void {
    this.stopThrottling();
    for (const task of [...this.retries.keys()]) this.cancel(task, reason);
    for (const task of this.backlog.drainQueued()) {
      this.metrics.cancelled++;
      this.settle(task, err(new TaskCancelled(reason, task.id)));
    }
    for (const worker of this.roster.values())
      for (const slot of worker.allLanes)
        if (slot.task !== undefined) this.cancel(slot.task, reason);
  }

  /** Refuses every queued task with `TaskRejected` (the pool failed). */
  rejectQueued(reason: RejectReason, message: string): void {
    this.stopThrottling();
    for (const [task, entry] of this.retries) {
      this.timers.remove(entry);
      this.metrics.retrying--;
      this.metrics.dropped++;
      this.settle(task, err(new TaskRejected(reason, message, task.id)));
    }
    this.retries.clear();
    for (const task of this.backlog.drainQueued()) {
      this.metrics.dropped++;
      this.settle(task, err(new TaskRejected(reason, message, task.id)));
    }
  }

  /**
   * Gives the task submitted with `id`, if it is queued or waiting out a retry delay, another
   * priority; `false` otherwise. Throws `InvalidOptionError` for a priority that is not a level.
   */
  setPriority(id: string, priority: number): boolean {
    const levels = this.config.priority?.levels;
    if (checkPriority(priority, levels) !== undefined)
      throw new InvalidOptionError('priority', priority, priorityRange(levels));
    const task = this.named.get(id);
    if (task === undefined) return false;
    // Queued, waiting out a retry delay, or waiting for room (overflow 'wait'): not yet running.
    if (
      task.state !== TaskState.queued &&
      task.state !== TaskState.retrying &&
      task.state !== TaskState.waiting
    )
      return false;
    const x = ownExtras(task);
    if (x.priority !== priority && task.state === TaskState.queued) {
      this.backlog.reprioritise(task, priority);
    }
    x.priority = priority;
    return true;
  }

  /** The queue is being emptied: no wake-up for the rate limit is needed (nor a timer left behind). */
  protected stopThrottling(): void {
    const limiter = this.limiter;
    if (limiter === undefined) return;
    if (limiter.heapIndex >= 0) this.timers.remove(limiter);
    limiter.unthrottled(this.config.clock.now());
  }

  /** Resolves when nothing is waiting, queued or running. */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.watched = true;
    });
  }

  /** A worker actor was spawned for `seat` (its `generation`-th worker). */
  attach(id: string, seat: string, generation: number, ref: AnyActorRef, restart = true): void {
    const slot = new Slot(id, seat, generation, ref, this);
    if (this.lanes > 1) {
      slot.gate = new LaneGate(this.lanes);
      slot.lanes = [slot];
      for (let i = 1; i < this.lanes; i++) {
        const lane = new Slot(id, seat, generation, ref, this);
        lane.primary = slot;
        slot.lanes.push(lane);
      }
    }
    this.roster.add(slot);
    if (generation > 1 && restart) this.metrics.restarts++;
  }

  /** A worker finished its setup. */
  ready(id: string, resource: unknown): void {
    const slot = this.roster.get(id);
    if (slot === undefined || slot.status !== SLOT_STARTING) return;
    for (const lane of slot.allLanes) {
      lane.resource = resource;
      lane.status = SLOT_IDLE;
    }
    slot.shown = false; // its actor reports ready from `idle`
    const now = this.config.clock.now();
    this.metrics.ready(now, 1);
    if (this.events$.observed) {
      this.events$.next({ type: 'worker.started', workerId: id });
      if (slot.generation > 1) {
        this.events$.next({ type: 'worker.restarted', workerId: id, seat: slot.seat });
      }
    }
    if (slot.retiring) this.stopSlot(slot);
    else if (slot.lanes === undefined) this.pump(slot, now);
    else {
      // Lanes past a limit set during setup rest; the others take queued work, then wait
      // spread among the idle lanes of other workers.
      const gate = slot.gate!;
      const taking = slot.lanes.slice(0, gate.limit);
      for (const lane of slot.lanes.slice(gate.limit)) gate.parked.push(lane);
      const rest: Slot[] = [];
      for (const lane of taking) {
        if ((this.metrics.queued > 0 || this.metrics.waiting > 0) && lane.status === SLOT_IDLE)
          this.pump(lane, now);
        else if (lane.status === SLOT_IDLE) rest.push(lane);
      }
      const idle = this.roster.idle;
      // Lanes that pump parked are on top of the stack: spread them with the rest.
      while (idle.length > 0 && idle[idle.length - 1]!.primary === slot) rest.push(idle.pop()!);
      if (rest.length > 0) {
        this.roster.spread(rest);
        if (this.sizing !== undefined && slot.busyLanes === 0)
          this.idleFrom(slot, this.sizing, now);
      }
    }
    if (this.watched) this.checkWaiters();
  }

  /**
   * A worker crashed (reported by its actor); its running task, if any, ends `WorkerCrashed`
   * (or is retried). Returns `false` when the pool had already stopped that worker on purpose
   * (a shrink, a sibling restart, close): such an exit is not the supervisor's business.
   */
  crashed(id: string, cause: unknown): boolean {
    const slot = this.roster.get(id);
    if (slot === undefined) return false;
    const unplanned = slot.status !== SLOT_STOPPING && !slot.retiring;
    if (!isInstance(cause, TaskTimedOut)) this.metrics.crashes++;
    const requeued = this.failRunning(slot, cause, true);
    this.roster.retire(slot, SLOT_GONE);
    if (requeued) this.resumeQueue();
    if (this.events$.observed) this.events$.next({ type: 'worker.crashed', workerId: id, cause });
    return unplanned;
  }

  /**
   * A worker's executor gave it up on purpose (`replace`): tasks still running on it end
   * `WorkerCrashed` (or are retried), and it stops. Not a crash: nothing is counted against
   * the worker or the supervisor's limits; the pool puts a new worker on the seat.
   */
  replacing(id: string, cause: unknown): void {
    const slot = this.roster.get(id);
    if (slot === undefined || outOfService(slot)) return;
    this.metrics.replaced++;
    const requeued = this.failRunning(slot, cause, false);
    this.roster.retire(slot, SLOT_STOPPING);
    if (requeued) this.resumeQueue();
    if (this.events$.observed) this.events$.next({ type: 'worker.replaced', workerId: id, cause });
  }

  /** The teardown of a resource whose setup finished too late (see `setupTimeoutMs`) failed. */
  lateTeardownFailed(id: string, error: unknown): void {
    if (this.events$.observed)
      this.events$.next({ type: 'worker.teardown-failed', workerId: id, error });
  }

  /**
   * A worker's executor says the run of `taskId` on it is innocent of the worker's coming end
   * (`WorkerSetupContext.requeue`): when the worker crashes or is replaced, the task goes back
   * to the front of the queue, nothing counted.
   */
  requeueRun(workerId: string, taskId: number): void {
    const slot = this.roster.get(workerId);
    if (slot === undefined || outOfService(slot)) return;
    const running = slot.allLanes.some(
      (lane) => lane.task?.id === taskId && lane.task.state === TaskState.running,
    );
    if (!running) return;
    let innocent = this.#innocent.get(workerId);
    if (innocent === undefined) this.#innocent.set(workerId, (innocent = new Set()));
    innocent.add(taskId);
  }

  /**
   * A worker's executor caps how many of its lanes take tasks now
   * (`WorkerSetupContext.limitLanes`, checked there): idle lanes over the new limit leave the
   * idle stack, busy ones rest when their run ends; under it, resting lanes come back and take
   * queued work.
   */
  limitLanes(workerId: string, limit: number): void {
    const worker = this.roster.get(workerId);
    const gate = worker?.gate;
    if (worker === undefined || gate === undefined || gate.limit === limit) return;
    gate.limit = limit;
    // Before it is ready its lanes are nowhere yet: `ready` applies the limit.
    if (worker.status === SLOT_STARTING || outOfService(worker) || worker.retiring) return;
    let over = gate.over;
    if (over > 0) {
      const idle = this.roster.idle;
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
    const now = this.config.clock.now();
    for (; over < 0 && gate.parked.length > 0; over++) {
      const lane = gate.parked.pop()!;
      if (this.metrics.queued > 0 || this.metrics.waiting > 0) this.pump(lane, now);
      else this.roster.idle.push(lane);
    }
  }

  /**
   * A worker's executor gives back runs its resource has not started
   * (`WorkerSetupContext.giveBack`): their tasks go back to the front of the queue in the order
   * given, as if they had never left it — no attempt, retry or quarantine strike counted — and
   * their lanes are free (or rest, over the worker's lane limit). An answer the resource still
   * gives for one of them is dropped as stray. Ids of tasks not running on the worker are
   * ignored.
   */
  giveBack(workerId: string, taskIds: readonly number[]): void {
    const worker = this.roster.get(workerId);
    if (worker === undefined || outOfService(worker)) return;
    const innocent = this.#innocent.get(workerId);
    const now = this.config.clock.now();
    let requeued = false;
    for (let i = taskIds.length - 1; i >= 0; i--) {
      const taskId = taskIds[i];
      const slot = worker.allLanes.find((lane) => lane.task?.id === taskId);
      if (slot === undefined) continue;
      const task = slot.task!;
      innocent?.delete(task.id);
      if (slot.heapIndex >= 0) this.timers.remove(slot);
      slot.abandonRun();
      // Settled meanwhile (cancelled while it waited on the resource): only its lane is freed.
      if (task.state === TaskState.running) {
        this.metrics.active--;
        task.t = this.tick(now);
        this.backlog.enqueueFront(task);
        requeued = true;
      }
      if (this.mayContinue(slot, now)) this.park(slot, now);
    }
    if (requeued) this.resumeQueue();
  }

  /** Free workers take the tasks that went back to the queue. */
  protected resumeQueue(): void {
    if (this.gate === PAUSED) return; // `resume()` starts them
    const now = this.config.clock.now();
    const idle = this.roster.idle;
    while (idle.length > 0 && this.metrics.queued > 0) this.pump(idle.pop()!, now);
    if (this.metrics.queued > 0 && this.sizing !== undefined) this.demand();
    if (this.watched) this.checkWaiters();
  }

  /** A worker actor reached `stopped`. */
  stopped(id: string, teardownError: unknown): void {
    this.#innocent.delete(id);
    const slot = this.roster.get(id);
    if (slot === undefined) return;
    this.roster.retire(slot, SLOT_GONE);
    this.roster.delete(id);
    if (this.events$.observed) {
      this.events$.next({ type: 'worker.stopped', workerId: id });
      if (teardownError !== undefined)
        this.events$.next({ type: 'worker.teardown-failed', workerId: id, error: teardownError });
    }
  }

  /** Workers that count towards the pool's size: not stopping, crashed or retiring. */
  liveCount(): number {
    return this.roster.liveSeats().size;
  }

  /** The seats of workers that count towards the pool's size. */
  liveSeats(): Set<string> {
    return this.roster.liveSeats();
  }

  /**
   * Stops the worker on `seat` because the supervisor restarts it with a crashed sibling
   * (one-for-all, rest-for-one): its running task fails `WorkerCrashed` (or is retried).
   */
  stopSeat(seat: string, cause: unknown): void {
    let requeued = false;
    for (const slot of this.roster.values()) {
      if (slot.seat !== seat || outOfService(slot)) continue;
      if (this.failRunning(slot, cause, false)) requeued = true;
      this.stopSlot(slot);
    }
    if (requeued) this.resumeQueue();
  }

  /**
   * The task running on `slot` ends `WorkerCrashed` with `cause` (or is retried); whatever still
   * runs on the resource is told to stop. `brokeWorker`: the task counts towards quarantine.
   * Tasks its executor called innocent (`requeueRun`) go back to the front of the queue instead,
   * nothing counted. Returns whether any did (the caller resumes the queue once the worker is
   * out of service, so that they do not land on it again).
   */
  protected failRunning(worker: Slot, cause: unknown, brokeWorker: boolean): boolean {
    const innocent = this.#innocent.get(worker.id);
    this.#innocent.delete(worker.id);
    let requeued = false;
    for (const slot of worker.allLanes) {
      const task = slot.task;
      if (task === undefined || task.state !== TaskState.running) continue;
      const now = this.config.clock.now();
      this.metrics.active--;
      if (innocent?.has(task.id) === true) {
        // As if it had never left the queue: no attempt, no strike, no latency.
        task.t = this.tick(now);
        this.backlog.enqueueFront(task);
        requeued = true;
      } else {
        this.metrics.runCrashed(now - this.time(task.t));
        slot.tasksDone++;
        this.failRun(task, new WorkerCrashed(cause, slot.id, task.id), slot.id, brokeWorker, now);
      }
      slot.ctx?.abort(cause);
    }
    return requeued;
  }

  /** How many more seats may get a worker: a dynamic pool never has more than `max` workers. */
  workerRoom(seats: { readonly size: number; has(seat: string): boolean }): number {
    const sizing = this.sizing;
    if (sizing === undefined) return Infinity;
    // Every seat has (or will have, once restarted) one worker; workers given up by a shrink
    // that have not stopped yet belong to no seat. Together they may not pass max.
    let outside = 0;
    for (const slot of this.roster.values()) if (!seats.has(slot.seat)) outside++;
    return sizing.max - seats.size - outside;
  }

  /**
   * The bounds of a dynamic pool moved: idle workers without an idle timer (the pool was at
   * `min`) retire now if they have been idle long enough, or get their timer.
   */
  boundsChanged(): void {
    const sizing = this.sizing;
    if (sizing === undefined || sizing.idleTimeoutMs === Infinity) return;
    const now = this.config.clock.now();
    const workers = new Set<Slot>();
    for (const lane of this.roster.idle)
      if (lane.primary.busyLanes === 0) workers.add(lane.primary);
    for (const slot of workers) {
      if (slot.heapIndex >= 0) continue;
      const due = slot.idleSince + sizing.idleTimeoutMs;
      if (due <= now) this.idleTimeout(slot);
      else {
        slot.deadline = due;
        this.timers.add(slot);
      }
    }
  }

  mayBeEmpty(): boolean {
    return this.sizing !== undefined && this.sizing.min === 0;
  }

  /** Workers ready for tasks. */
  readyCount(): number {
    return this.metrics.workers;
  }

  /**
   * Gives up the live worker on `seat` (an idle worker retiring): it stops now if idle, after
   * its task if busy. `false` when no live worker fills the seat.
   */
  retireSeat(seat: string): boolean {
    for (const slot of this.roster.values()) {
      if (slot.seat !== seat || slot.retiring || outOfService(slot)) continue;
      slot.retiring = true;
      slot.hold = true;
      if (slot.workerStatus === SLOT_IDLE) this.stopSlot(slot);
      else this.roster.withdraw(slot);
      return true;
    }
    return false;
  }

  /**
   * Shrinks by `count` workers: starting and idle ones stop now, busy ones after their task.
   * Returns the seats given up.
   */
  shrink(count: number): string[] {
    const picked = this.roster.pickForShrink(count);
    for (const slot of picked) {
      slot.retiring = true;
      slot.hold = true;
      // Starting ones stop when ready (ready() checks `retiring`); busy ones after their task.
      if (slot.workerStatus === SLOT_IDLE) this.stopSlot(slot);
      else this.roster.withdraw(slot);
    }
    return picked.map((slot) => slot.seat);
  }

  /** Stops every worker (close): tasks still on them were already settled. */
  stopAll(): void {
    // Every idle worker stops: emptied at once, not one search of the stack per worker.
    this.roster.idle.length = 0;
    for (const slot of this.roster.values()) {
      if (slot.status === SLOT_STARTING) slot.retiring = slot.hold = true;
      else if (slot.status === SLOT_IDLE || slot.status === SLOT_BUSY) this.stopSlot(slot);
    }
    this.timers.clear();
  }

  /**
   * Forgets every worker at once (a close that stops waiting for them): each one whose setup or
   * teardown has not finished is told on `events$` as abandoned.
   */
  forget(): void {
    if (this.events$.observed) for (const slot of this.roster.values()) this.abandoned(slot);
    this.roster.clear();
    this.timers.clear();
  }

  /** The workers still in their setup. */
  startingWorkers(): string[] {
    const ids: string[] = [];
    for (const slot of this.roster.values()) if (slot.status === SLOT_STARTING) ids.push(slot.id);
    return ids;
  }

  /** Forgets the workers still in their setup (a close with abort waits for none); returns their ids. */
  abandonStarting(): string[] {
    const ids: string[] = [];
    for (const slot of this.roster.values()) {
      if (slot.status !== SLOT_STARTING) continue;
      ids.push(slot.id);
      this.abandoned(slot);
      this.roster.retire(slot, SLOT_GONE);
      this.roster.delete(slot.id);
    }
    return ids;
  }

  private abandoned(slot: Slot): void {
    if (!this.events$.observed) return;
    const during = slot.status === SLOT_STARTING ? 'setup' : 'teardown';
    this.events$.next({ type: 'worker.abandoned', workerId: slot.id, during });
  }

  /**
   * Each worker's state and task count. The state is its actor's, the one source of truth: the
   * idle/busy changes not yet told to the actors (see `showLater`) are told first, so that a
   * snapshot never shows an edge the engine has already passed. Costs nothing per task.
   */
  workers(): WorkerSnapshot[] {
    if (this.unshown.length > 0) this.showWorkers();
    return this.roster.snapshot();
  }
}
