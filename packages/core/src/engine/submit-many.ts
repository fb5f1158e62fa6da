import { checkInputs, type SubmitOptions } from '../pool/submit-options.js';
import type { TaskResult } from '../result.js';
import { Refusal } from './door.js';
import type { Dispatcher } from './dispatcher.js';
import { BulkTasks, copyExtras, Task, type TaskExtras } from './task.js';

/** Whether `submitMany` options name a task; unreadable options are refused by `readOptions`. */
const carriesId = (options: SubmitOptions): boolean => {
  try {
    return options.id !== undefined;
  } catch {
    return false;
  }
};

/**
 * The results of one `submitMany` call, in input order: one promise for the lot, settled when
 * the last of its tasks has. Ids are reserved for the call up front, so a task's index is its
 * id minus the first: one shared `resolveOne` (called as a method of the task) serves them all.
 */
class ManyResults {
  readonly promise: Promise<TaskResult<unknown>[]>;
  /** Settles the task it is called on (every task of the call has it as `resolve`). */
  readonly resolveOne: (this: Task, result: TaskResult<unknown>) => void;
  /** Settles input `index` without a task (refused at the door). */
  readonly refuse: (index: number, result: TaskResult<never>) => void;

  constructor(n: number, first: number) {
    const results = new Array<TaskResult<unknown>>(n);
    let remaining = n;
    let done!: (results: TaskResult<unknown>[]) => void;
    this.promise = new Promise<TaskResult<unknown>[]>((resolve) => (done = resolve));
    this.resolveOne = function (this: Task, result: TaskResult<unknown>): void {
      results[this.id - first] = result;
      if (--remaining === 0) done(results);
    };
    this.refuse = (index, result) => {
      results[index] = result;
      if (--remaining === 0) done(results);
    };
  }
}

/**
 * `submitMany`: many tasks with the same options in one call, one promise for the lot. Each
 * input passes the door as `submit`'s would (a full queue refuses, waits or evicts per item);
 * without options on a FIFO queue, idle lanes take inputs straight away and the rest queue as
 * one lazy entry.
 */
export class BulkAdmission {
  constructor(private readonly path: Dispatcher) {}

  /** Throws only for `inputs` that is not iterable (or whose iterator throws). */
  submitMany(inputs: Iterable<unknown>, options?: SubmitOptions): Promise<TaskResult<unknown>[]> {
    checkInputs(inputs);
    const list = Array.isArray(inputs) ? (inputs as unknown[]) : [...inputs];
    const n = list.length;
    if (n === 0) return Promise.resolve([]);
    let extras: TaskExtras | undefined;
    if (options !== undefined) {
      const read = this.#readOptions(options);
      if (read instanceof Refusal) return this.#refuseAll(read.result, n);
      extras = read;
    }
    const first = this.path.reserveIds(n);
    const call = new ManyResults(n, first);
    // One clock reading for the call: the tasks arrive together.
    const now = this.path.config.clock.now();
    let i = 0;
    // (A traced pool takes each input through `place`, where its submitter's context is kept.)
    if (
      extras === undefined &&
      this.path.backlog.priority === undefined &&
      this.path.config.tracing === undefined
    ) {
      i = this.#startOnIdleLanes(list, first, call.resolveOne, now);
      if (this.#queueRestInBulk(list, list === inputs, i, first, call.resolveOne, now))
        return call.promise;
    }
    this.#admitEach(list, i, first, extras, call, now);
    return call.promise;
  }

  /** The call's options, read once: an id names one task, so none is taken. */
  #readOptions(options: SubmitOptions): TaskExtras | undefined | Refusal {
    const door = this.path.door;
    if (!carriesId(options)) return door.readOptions(options);
    const message = 'submitMany takes no id (an id names one task): submit those tasks one by one';
    return new Refusal(door.refuse('invalid-input', message));
  }

  /** Every input gets the one refusal (counted once per input). */
  #refuseAll(refusal: TaskResult<never>, n: number): Promise<TaskResult<unknown>[]> {
    this.path.metrics.rejected += n - 1;
    return Promise.resolve(new Array<TaskResult<unknown>>(n).fill(refusal));
  }

  /**
   * Idle lanes take inputs straight away. One that finishes an input synchronously takes the next
   * at once, staying busy: no idle ⇄ busy edge, idle-stack round trip or pump per input
   * (synchronous workers may run the whole call inline). Returns how many inputs were started.
   */
  #startOnIdleLanes(
    list: readonly unknown[],
    first: number,
    resolveOne: (this: Task, result: TaskResult<unknown>) => void,
    now: number,
  ): number {
    const path = this.path;
    const { door, metrics } = path;
    const n = list.length;
    const idle = path.roster.idle;
    const tick = path.tick(now);
    let i = 0;
    while (
      i < n &&
      door.accepting &&
      idle.length > 0 &&
      metrics.queued === 0 &&
      path.mayStart(now)
    ) {
      const lane = idle.pop()!;
      let at = now;
      for (;;) {
        const task = new Task(first + i, list[i], tick, undefined);
        task.resolve = resolveOne;
        i++;
        metrics.submitted++;
        if (!path.runner.start(lane, task, at)) break;
        at = path.runner.settledAt;
        // Stop where `place` would not start it: the call is over, the pool closed, a task
        // submitted meanwhile waits in the queue (it goes first), or the rate limit holds.
        if (i === n || !door.accepting || metrics.queued > 0 || !path.mayStart(at)) {
          path.pump(lane, at);
          break;
        }
      }
    }
    return i;
  }

  /**
   * The inputs from `i` on, if the queue has room for all of them, queue as one lazy entry
   * (`BulkTasks`). `callersArray`: `list` is the caller's own array, so the rest is copied (later
   * changes to their array must not change what runs). Returns whether it queued them.
   */
  #queueRestInBulk(
    list: readonly unknown[],
    callersArray: boolean,
    i: number,
    first: number,
    resolveOne: (this: Task, result: TaskResult<unknown>) => void,
    now: number,
  ): boolean {
    const { door, metrics, config, backlog, growth } = this.path;
    const rest = list.length - i;
    if (rest <= 0 || !door.accepting || rest > config.capacity - metrics.queued) return false;
    metrics.submitted += rest;
    const inputs = callersArray ? list.slice(i) : list;
    const offset = callersArray ? 0 : i;
    const t = this.path.tick(now);
    backlog.enqueueBulk(
      new BulkTasks(inputs, offset, offset + rest, first + i - offset, t, resolveOne),
    );
    growth?.demandFor(rest);
    return true;
  }

  /** The inputs from `i` on, each through the door as `submit` takes it. */
  #admitEach(
    list: readonly unknown[],
    i: number,
    first: number,
    extras: TaskExtras | undefined,
    call: ManyResults,
    now: number,
  ): void {
    const path = this.path;
    const n = list.length;
    path.backlog.reserve(n - i);
    for (; i < n; i++) {
      // The door per input: a task that ran inline (or a subscriber) may have closed the pool
      // or aborted the signal meanwhile.
      const room = path.door.admission(extras);
      if (typeof room !== 'number') {
        call.refuse(i, room);
        continue;
      }
      const x = extras === undefined || extras.shared ? extras : copyExtras(extras);
      const task = new Task(first + i, list[i], path.tick(now), x);
      task.resolve = call.resolveOne;
      path.place(task, room, now);
    }
  }
}
