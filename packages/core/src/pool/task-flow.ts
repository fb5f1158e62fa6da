import { err, type TaskResult } from '../result.js';
import { TaskCancelled } from '../errors.js';
import { checkInputs, checkSubmitOptions, type SubmitOptions } from './submit-options.js';
import { BulkTasks, copyExtras, Task, type TaskExtras } from './task.js';
import { WorkerOccupancy } from './worker-occupancy.js';
import { PAUSED } from './task-runner.js';

/** How a new task fits: see `TaskFlow.room`. */
type Room = 0 | 1 | 2 | 3;
const HAS_ROOM: Room = 0;
const NO_ROOM: Room = 1;
const WAIT: Room = 2;
const EVICT: Room = 3;

/** A refusal found at the door of a call (a class, so it cannot be mistaken for extras). */
class Refusal {
  constructor(readonly result: TaskResult<never>) {}
}

// The promise of a task is made by one shared executor, not a closure per submit (a closure
// per task cost measurable throughput): `promiseFor` parks the task here for the executor.
let pending: Task | undefined;
const capture = (resolve: (result: TaskResult<unknown>) => void): void => {
  pending!.resolve = resolve;
};
const captureRun = (resolve: (value: unknown) => void, reject: (error: unknown) => void): void => {
  pending!.resolve = resolve;
  pending!.reject = reject;
};

/** The promise `task` settles: with its Either (`submit`), or its output or error (`run`: `unwrapped`). */
function promiseFor(task: Task, unwrapped: boolean): Promise<unknown> {
  pending = task;
  const promise = new Promise<unknown>(unwrapped ? captureRun : capture);
  pending = undefined;
  return promise;
}

/** Whether `submitMany` options name a task; unreadable options are refused by `readOptions`. */
const carriesId = (options: SubmitOptions): boolean => {
  try {
    return options.id !== undefined;
  } catch {
    return false;
  }
};

/** A refusal as `submit` gives it (`Left`), or as `run` does (rejected with the error). */
const refused = (result: TaskResult<never>, unwrapped: boolean): Promise<unknown> =>
  unwrapped && result._tag === 'Left' ? Promise.reject(result.left) : Promise.resolve(result);

/**
 * The results of one `submitMany` call, in input order: one promise for the lot, settled when
 * the last of its tasks has. Ids are reserved for the call up front, so a task's index is its
 * id minus the first: one shared `resolveOne` (called as a method of the task) serves them all.
 */
class ManyResults<TOutput> {
  readonly promise: Promise<TaskResult<TOutput>[]>;
  /** Settles the task it is called on (every task of the call has it as `resolve`). */
  readonly resolveOne: (this: Task, result: TaskResult<unknown>) => void;
  /** Settles input `index` without a task (refused at the door). */
  readonly refuse: (index: number, result: TaskResult<never>) => void;

  constructor(n: number, first: number) {
    const results = new Array<TaskResult<TOutput>>(n);
    let remaining = n;
    let done!: (results: TaskResult<TOutput>[]) => void;
    this.promise = new Promise<TaskResult<TOutput>[]>((resolve) => (done = resolve));
    this.resolveOne = function (this: Task, result: TaskResult<unknown>): void {
      results[this.id - first] = result as TaskResult<TOutput>;
      if (--remaining === 0) done(results);
    };
    this.refuse = (index, result) => {
      results[index] = result;
      if (--remaining === 0) done(results);
    };
  }
}

/**
 * Admission, the front of the per-task hot path. Every task passes the same door, whoever
 * brings it (`submit`, `run`, `submitMany`, a batch pool's items): a pool that is not taking
 * tasks refuses before it reads options; options are read once a call (`readOptions`); then,
 * per task, `admission` turns it away (pool closed meanwhile, signal aborted) or finds it room
 * (or applies the overflow policy), and `place` hands it to an idle worker or the backlog.
 */
export class TaskFlow<TInput, TOutput> extends WorkerOccupancy<TInput, TOutput> {
  /** Admits a task; resolves with its one outcome. Never throws, never rejects. */
  submit(input: TInput, options?: SubmitOptions): Promise<TaskResult<TOutput>> {
    return this.admit(input, options, false) as Promise<TaskResult<TOutput>>;
  }

  /** Admits a task; resolves with its output, rejects with its TaskError. Never throws. */
  run(input: TInput, options?: SubmitOptions): Promise<TOutput> {
    return this.admit(input, options, true) as Promise<TOutput>;
  }

  /** `submit` (`unwrapped` false) and `run` (true): one promise a task either way. */
  protected admit(
    input: TInput,
    options: SubmitOptions | undefined,
    unwrapped: boolean,
  ): Promise<unknown> {
    let extras: TaskExtras | undefined;
    if (options !== undefined && this.accepting) {
      const read = this.readOptions(options);
      if (read instanceof Refusal) return refused(read.result, unwrapped);
      extras = read;
    }
    const room = this.admission(extras);
    if (typeof room !== 'number') return refused(room, unwrapped);
    const now = this.config.clock.now();
    const task = new Task(++this.nextTaskId, input, this.tick(now), extras);
    const promise = promiseFor(task, unwrapped);
    this.place(task, room, now);
    return promise;
  }

  /**
   * Admits many tasks with the same options in one call; resolves with their outcomes in input
   * order, once all have settled. Costs one promise for the lot, not one per task. Each input is
   * admitted as `submit` would (a full queue refuses, waits or evicts per item). Throws only
   * for `inputs` that is not iterable (or whose iterator throws).
   */
  submitMany(inputs: Iterable<TInput>, options?: SubmitOptions): Promise<TaskResult<TOutput>[]> {
    checkInputs(inputs);
    const list = Array.isArray(inputs) ? (inputs as TInput[]) : [...inputs];
    const n = list.length;
    if (n === 0) return Promise.resolve([]);
    let extras: TaskExtras | undefined;
    if (options !== undefined) {
      const read = this.readManyOptions(options);
      if (read instanceof Refusal) return this.refuseAll(read.result, n);
      extras = read;
    }
    const first = this.nextTaskId + 1;
    this.nextTaskId += n;
    const call = new ManyResults<TOutput>(n, first);
    // One clock reading for the call: the tasks arrive together.
    const now = this.config.clock.now();
    let i = 0;
    if (extras === undefined && this.backlog.priority === undefined) {
      i = this.startOnIdleWorkers(list, first, call.resolveOne, now);
      if (this.queueRestInBulk(list, list === inputs, i, first, call.resolveOne, now))
        return call.promise;
    }
    this.admitEach(list, i, first, extras, call, now);
    return call.promise;
  }

  /** `submitMany`'s options, read once for the call: an id names one task, so none is taken. */
  protected readManyOptions(options: SubmitOptions): TaskExtras | undefined | Refusal {
    if (!carriesId(options)) return this.readOptions(options);
    return new Refusal(
      this.refuseAtDoor(
        'invalid-input',
        'submitMany takes no id (an id names one task): submit those tasks one by one',
      ),
    );
  }

  /** Every input of a `submitMany` call gets the one refusal (counted once per input). */
  protected refuseAll(refusal: TaskResult<never>, n: number): Promise<TaskResult<TOutput>[]> {
    this.metrics.rejected += n - 1;
    return Promise.resolve(new Array<TaskResult<TOutput>>(n).fill(refusal));
  }

  /**
   * `submitMany` without options on a FIFO queue: idle workers take inputs straight away. One
   * that finishes an input synchronously takes the next at once, staying busy: no idle ⇄ busy
   * edge, idle-stack round trip or pump per input (synchronous workers may run the whole call
   * inline). Returns how many inputs were started.
   */
  protected startOnIdleWorkers(
    list: readonly TInput[],
    first: number,
    resolveOne: (this: Task, result: TaskResult<unknown>) => void,
    now: number,
  ): number {
    const n = list.length;
    const idle = this.roster.idle;
    const tick = this.tick(now);
    let i = 0;
    while (
      i < n &&
      this.accepting &&
      idle.length > 0 &&
      this.metrics.queued === 0 &&
      this.mayStart(now)
    ) {
      const slot = idle.pop()!;
      let at = now;
      for (;;) {
        const task = new Task(first + i, list[i], tick, undefined);
        task.resolve = resolveOne;
        i++;
        this.metrics.submitted++;
        if (!this.start(slot, task, at)) break;
        at = this.settledAt;
        // Stop where `place` would not start it: the call is over, the pool closed, a task
        // submitted meanwhile waits in the queue (it goes first), or the rate limit holds.
        if (i === n || !this.accepting || this.metrics.queued > 0 || !this.mayStart(at)) {
          this.pump(slot, at);
          break;
        }
      }
    }
    return i;
  }

  /**
   * After `startOnIdleWorkers`: the inputs from `i` on, if the queue has room for all of them,
   * queue as one lazy entry (`BulkTasks`). `callersArray`: `list` is the caller's own array,
   * so the rest is copied (later changes to their array must not change what runs). Returns
   * whether it queued them.
   */
  protected queueRestInBulk(
    list: readonly TInput[],
    callersArray: boolean,
    i: number,
    first: number,
    resolveOne: (this: Task, result: TaskResult<unknown>) => void,
    now: number,
  ): boolean {
    const rest = list.length - i;
    if (rest <= 0 || !this.accepting || rest > this.config.capacity - this.metrics.queued)
      return false;
    this.metrics.submitted += rest;
    const inputs = callersArray ? list.slice(i) : list;
    const offset = callersArray ? 0 : i;
    this.backlog.enqueueBulk(
      new BulkTasks(inputs, offset, offset + rest, first + i - offset, this.tick(now), resolveOne),
    );
    if (this.sizing !== undefined) {
      for (let k = 0; k < rest; k++) {
        const before = this.sizeTarget;
        this.demand();
        if (this.sizeTarget === before) break;
      }
    }
    return true;
  }

  /** `submitMany`'s inputs from `i` on, each through the door as `submit` takes it. */
  protected admitEach(
    list: readonly TInput[],
    i: number,
    first: number,
    extras: TaskExtras | undefined,
    call: ManyResults<TOutput>,
    now: number,
  ): void {
    const n = list.length;
    this.backlog.reserve(n - i);
    for (; i < n; i++) {
      // The door per input: a task that ran inline (or a subscriber) may have closed the pool
      // or aborted the signal meanwhile.
      const room = this.admission(extras);
      if (typeof room !== 'number') {
        call.refuse(i, room);
        continue;
      }
      const x = extras === undefined || extras.shared ? extras : copyExtras(extras);
      const task = new Task(first + i, list[i], this.tick(now), x);
      task.resolve = call.resolveOne;
      this.place(task, room, now);
    }
  }

  /** Reads a call's options: the extras its tasks carry, or the refusal they all resolve with. */
  protected readOptions(options: SubmitOptions): TaskExtras | undefined | Refusal {
    const checked = checkSubmitOptions(options, this.config.priority?.levels);
    if (typeof checked === 'string')
      return new Refusal(this.refuseAtDoor('invalid-input', checked));
    if (checked?.signal?.aborted === true) return new Refusal(this.cancelAtDoor(checked.signal));
    if (checked?.id !== undefined && this.named.has(checked.id)) {
      return new Refusal(
        this.refuseAtDoor(
          'invalid-input',
          `id '${checked.id}' is already used by an unsettled task of pool '${this.config.name}'`,
        ),
      );
    }
    return checked;
  }

  /**
   * The door each task passes once its call's options are read: its room (see `room`), or its
   * refusal — the pool is not taking tasks, the task's signal has aborted, or the queue is full
   * and the overflow policy refuses.
   */
  protected admission(extras: TaskExtras | undefined): Room | TaskResult<never> {
    const refusal = this.turnedAway(extras?.signal);
    if (refusal !== undefined) return refusal;
    const room = this.room();
    return room === NO_ROOM ? this.refuseFull() : room;
  }

  /**
   * A task's refusal at the door whatever the room (`undefined`: none): the pool is not taking
   * tasks, or the task's signal has already aborted.
   */
  turnedAway(signal: AbortSignal | undefined): TaskResult<never> | undefined {
    if (!this.accepting) return this.refuseAtDoor(this.refusal, this.refusalMessage);
    if (signal?.aborted === true) return this.cancelAtDoor(signal);
    return undefined;
  }

  /** A task whose signal aborted before it came in: `TaskCancelled`, counted in `rejected`. */
  protected cancelAtDoor(signal: AbortSignal): TaskResult<never> {
    this.metrics.rejected++;
    return err(new TaskCancelled(signal.reason));
  }

  /** Whether a new task fits: `HAS_ROOM`, or the overflow policy's answer when the queue is full. */
  protected room(): Room {
    if (!this.backlog.full) return HAS_ROOM;
    const overflow = this.config.overflow;
    // A queue of capacity 0 holds nothing: a task fits only when a free worker starts it now
    // (nothing older waits for one); else it waits for one ('wait') or is refused (nothing
    // queued to drop: 'drop-oldest' refuses as 'reject' does).
    if (this.config.capacity === 0)
      return this.freeWorkerNow() ? HAS_ROOM : overflow === 'wait' ? WAIT : NO_ROOM;
    return overflow === 'reject' ? NO_ROOM : overflow === 'drop-oldest' ? EVICT : WAIT;
  }

  /** Whether a task submitted now would start at once on an idle worker (the rate limit is asked, not taken from). */
  protected freeWorkerNow(): boolean {
    const m = this.metrics;
    const gate = this.gate;
    return (
      this.roster.idle.length > 0 &&
      m.queued === 0 &&
      m.waiting === 0 &&
      (gate === undefined || (gate !== PAUSED && gate.allows(this.config.clock.now())))
    );
  }

  protected refuseFull(): TaskResult<never> {
    return this.refuseAtDoor(
      'queue-full',
      `queue of pool '${this.config.name}' is full (capacity ${this.config.capacity})`,
    );
  }

  /** An admitted task goes to an idle worker, the queue, or the wait list. */
  protected place(task: Task, room: Room, now: number): void {
    this.metrics.submitted++;
    const extras = task.x;
    if (extras !== undefined) {
      if (extras.signal !== undefined) this.listen(task, extras.signal);
      if (extras.id !== undefined) this.named.set(extras.id, task);
    }
    if (room === WAIT) {
      this.backlog.wait(task);
      if (this.sizing !== undefined) this.demand();
    } else if (this.roster.idle.length > 0 && this.metrics.queued === 0 && this.mayStart(now)) {
      const slot = this.roster.idle.pop()!;
      if (this.start(slot, task, now)) this.pump(slot, this.settledAt);
    } else {
      // (Free workers beside queued tasks means the rate limit holds them: queue behind them.)
      this.backlog.enqueue(task);
      // Evict after queueing the newcomer, so that the pool never looks idle in between.
      if (room === EVICT) this.dropOldest();
      if (this.sizing !== undefined) this.demand();
    }
  }
}
