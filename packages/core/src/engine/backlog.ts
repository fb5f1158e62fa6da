import type { MetricsRecorder } from '../metrics/metrics.js';
import { FifoQueue } from '../queues/fifo-queue.js';
import { PriorityQueue } from '../queues/priority-queue.js';
import type { Clock } from '../time/clock.js';
import type { PoolConfig } from '../pool/options.js';
import { BulkTasks, Task, TaskState } from './task.js';

const levelOf = (task: Task): number => task.x?.priority ?? 0;
const keyOf = (task: Task): number => task.id;
/** Only a task with a signal can be cancelled where it stands, and only one with an id re-prioritised. */
const trackedTask = (task: Task): boolean =>
  task.x !== undefined && (task.x.signal !== undefined || task.x.id !== undefined);

/**
 * The tasks a pool holds but is not running: the queue (FIFO, or by priority with aging), and
 * the wait list of submits that found it full (overflow `'wait'`, always FIFO). Settled tasks
 * are removed lazily from FIFOs (skipped when reached, compacted once they outnumber the live
 * ones) and by key from the priority queue, so a cancel costs O(1) amortised. Keeps the
 * `queued` and `waiting` counters; settling tasks is the dispatcher's business.
 */
export class Backlog {
  /** FIFO queues may also hold the lazily made rest of a `submitMany` call. */
  readonly #queue: FifoQueue<Task | BulkTasks> | PriorityQueue<Task>;
  /** The queue, when it orders by priority. */
  readonly priority: PriorityQueue<Task> | undefined;
  readonly #waitList = new FifoQueue<Task>();
  #deadQueued = 0;
  #deadWaiting = 0;
  readonly capacity: number;

  constructor(
    config: Pick<PoolConfig<unknown, unknown>, 'capacity' | 'priority'>,
    clock: Clock,
    private readonly metrics: MetricsRecorder,
  ) {
    this.capacity = config.capacity;
    const { priority } = config;
    if (priority === undefined) {
      this.#queue = new FifoQueue<Task | BulkTasks>();
      this.priority = undefined;
    } else {
      this.priority = new PriorityQueue(
        priority.levels,
        priority.aging,
        clock,
        levelOf,
        keyOf,
        trackedTask,
      );
      this.#queue = this.priority;
    }
  }

  /** `true` when the queue holds `capacity` live tasks. */
  get full(): boolean {
    return this.metrics.queued >= this.capacity;
  }

  /** Queues a task at the tail (retried tasks too, past capacity: they were accepted long ago). */
  enqueue(task: Task): void {
    task.state = TaskState.queued;
    this.metrics.queued++;
    this.#queue.push(task);
  }

  /**
   * Puts a task that had left the queue back at its head (past `capacity` too): a run its
   * worker's end interrupted through no fault of its own (`requeue`). With priorities, at the
   * head of its level.
   */
  enqueueFront(task: Task): void {
    task.state = TaskState.queued;
    this.metrics.queued++;
    this.#queue.unshift(task);
  }

  /** Expects up to `count` tasks at once (`submitMany`): a FIFO queue makes room in one step. */
  reserve(count: number): void {
    if (this.priority === undefined)
      (this.#queue as FifoQueue<Task>).reserve(Math.min(count, this.capacity));
  }

  /**
   * Queues the rest of a `submitMany` call as one entry (FIFO queues only; the caller checked
   * there is room for all of it). Its tasks count as queued now.
   */
  enqueueBulk(bulk: BulkTasks): void {
    this.metrics.queued += bulk.end - bulk.next;
    (this.#queue as FifoQueue<Task | BulkTasks>).push(bulk);
  }

  /** Puts a submit on the wait list until the queue has room. */
  wait(task: Task): void {
    task.state = TaskState.waiting;
    this.metrics.waiting++;
    this.#waitList.push(task);
  }

  /** Removes and returns the next live queued task, refilling the queue from the wait list. */
  next(): Task | undefined {
    const task = this.#shiftLive();
    if (task !== undefined && this.metrics.waiting > 0) this.#admitWaiting();
    // Nothing queued yet submits wait (a queue of capacity 0): the oldest goes straight on.
    if (task === undefined && this.metrics.waiting > 0) return this.#takeWaiting();
    return task;
  }

  /** Removes and returns the oldest live waiting submit. */
  #takeWaiting(): Task | undefined {
    for (let task = this.#waitList.shift(); task !== undefined; task = this.#waitList.shift()) {
      if (task.state !== TaskState.waiting) {
        this.#deadWaiting--;
        continue;
      }
      this.metrics.waiting--;
      return task;
    }
    return undefined;
  }

  /**
   * Removes the task to drop under `'drop-oldest'`: the oldest queued one, or with priorities
   * the oldest of the lowest non-empty level.
   */
  evictOldest(): Task | undefined {
    if (this.priority === undefined) return this.#shiftLive();
    const task = this.priority.evict();
    if (task !== undefined) this.metrics.queued--;
    return task;
  }

  /** Gives a queued task another base priority, keeping its place in arrival order. */
  reprioritise(task: Task, level: number): void {
    this.priority?.setLevel(task.id, level);
  }

  /** A queued or waiting task was settled (cancelled) where it stood: count it out. */
  forget(task: Task): void {
    const m = this.metrics;
    if (task.state === TaskState.queued) {
      m.queued--;
      if (this.priority === undefined) this.#deadQueued++;
      else this.priority.remove(task.id);
      if (m.waiting > 0) this.#admitWaiting();
    } else if (task.state === TaskState.waiting) {
      m.waiting--;
      this.#deadWaiting++;
    }
    this.#compact();
  }

  /**
   * Removes every live queued task, oldest first; each is counted out as it is yielded, so the
   * counters conserve while the caller settles them one by one.
   */
  *drainQueued(): Generator<Task> {
    const items = this.#queue.drain();
    this.#deadQueued = 0;
    for (const item of items) {
      if (item instanceof BulkTasks) {
        while (!item.done) {
          this.metrics.queued--;
          yield item.take();
        }
        continue;
      }
      if (item.state !== TaskState.queued) continue;
      this.metrics.queued--;
      yield item;
    }
  }

  /** Removes every live waiting submit, oldest first, counted out as it is yielded. */
  *drainWaiting(): Generator<Task> {
    const tasks = this.#waitList.drain();
    this.#deadWaiting = 0;
    for (const task of tasks) {
      if (task.state !== TaskState.waiting) continue;
      this.metrics.waiting--;
      yield task;
    }
  }

  /**
   * The FIFO path is kept small, the rest out of line: this is inlined into the run loop, whose
   * inlining budget is tight (see `LaneRunner.settleRun`).
   */
  #shiftLive(): Task | undefined {
    if (this.priority !== undefined) return this.#shiftPriority(this.priority);
    const queue = this.#queue as FifoQueue<Task | BulkTasks>;
    for (let item = queue.peek(); item !== undefined; item = queue.peek()) {
      if (item instanceof BulkTasks) return this.#takeFromBulk(queue, item);
      queue.shift();
      if (item.state !== TaskState.queued) {
        this.#deadQueued--;
        continue;
      }
      this.metrics.queued--;
      return item;
    }
    return undefined;
  }

  #shiftPriority(priority: PriorityQueue<Task>): Task | undefined {
    // Removal from a priority queue is by key, so what it gives is live.
    const task = priority.shift();
    if (task !== undefined) this.metrics.queued--;
    return task;
  }

  #takeFromBulk(queue: FifoQueue<Task | BulkTasks>, bulk: BulkTasks): Task {
    const task = bulk.take();
    if (bulk.done) queue.shift();
    this.metrics.queued--;
    return task;
  }

  /** Moves waiting submits into the queue while there is room. */
  #admitWaiting(): void {
    const m = this.metrics;
    while (m.waiting > 0 && m.queued < this.capacity) {
      const task = this.#waitList.shift();
      if (task === undefined) break;
      if (task.state !== TaskState.waiting) {
        this.#deadWaiting--;
        continue;
      }
      m.waiting--;
      this.enqueue(task);
    }
  }

  /** Drops settled tasks once they outnumber the live ones (amortised O(1) per cancel). */
  #compact(): void {
    if (this.#deadQueued > 64 && this.#deadQueued > this.metrics.queued) {
      const queue = this.#queue as FifoQueue<Task | BulkTasks>;
      for (const item of queue.drain())
        if (item instanceof BulkTasks || item.state === TaskState.queued) queue.push(item);
      this.#deadQueued = 0;
    }
    if (this.#deadWaiting > 64 && this.#deadWaiting > this.metrics.waiting) {
      for (const task of this.#waitList.drain())
        if (task.state === TaskState.waiting) this.#waitList.push(task);
      this.#deadWaiting = 0;
    }
  }
}
