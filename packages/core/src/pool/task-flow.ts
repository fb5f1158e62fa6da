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

/** A refusal found while reading submit options (a class, so it cannot be mistaken for extras). */
class TaskErrorResult {
  constructor(readonly result: TaskResult<never>) {}
}

// Shared promise executors: no closure per submit.
let pending: Task | undefined;
const capture = (resolve: (result: TaskResult<unknown>) => void): void => {
  pending!.resolve = resolve;
};
const captureRun = (resolve: (value: unknown) => void, reject: (error: unknown) => void): void => {
  pending!.resolve = resolve;
  pending!.reject = reject;
};

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
 * Admission, the front of the per-task hot path: `submit` and `submitMany` check options,
 * apply the overflow policy, and hand each task to an idle worker or to the backlog.
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
    if (!this.accepting)
      return refused(this.refuseAtDoor(this.refusal, this.refusalMessage), unwrapped);
    let extras: TaskExtras | undefined;
    if (options !== undefined) {
      const checked = this.readOptions(options);
      if (checked instanceof TaskErrorResult) return refused(checked.result, unwrapped);
      extras = checked;
    }
    const room = this.room();
    if (room === NO_ROOM) return refused(this.refuseFull(), unwrapped);
    const now = this.config.clock.now();
    const task = new Task(++this.nextTaskId, input, this.tick(now), extras);
    pending = task;
    const promise = new Promise<unknown>(unwrapped ? captureRun : capture);
    pending = undefined;
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
    const inputs0 = inputs;
    const list = Array.isArray(inputs) ? (inputs as TInput[]) : [...inputs];
    const n = list.length;
    const results = new Array<TaskResult<TOutput>>(n);
    if (n === 0) return Promise.resolve(results);
    let extras: TaskExtras | undefined;
    if (options !== undefined) {
      const checked = carriesId(options)
        ? new TaskErrorResult(
            this.refuseAtDoor(
              'invalid-input',
              'submitMany takes no id (an id names one task): submit those tasks one by one',
            ),
          )
        : this.readOptions(options);
      if (checked instanceof TaskErrorResult) {
        results.fill(checked.result);
        this.metrics.rejected += n - 1;
        return Promise.resolve(results);
      }
      extras = checked;
    }
    // Ids are reserved up front, so a task's index is its id minus the first: one shared
    // resolve function (called as a method of the task) serves every task of the call.
    const first = this.nextTaskId + 1;
    this.nextTaskId += n;
    let remaining = n;
    let done!: (results: TaskResult<TOutput>[]) => void;
    const promise = new Promise<TaskResult<TOutput>[]>((resolve) => (done = resolve));
    function resolveOne(this: Task, result: TaskResult<unknown>): void {
      results[this.id - first] = result as TaskResult<TOutput>;
      if (--remaining === 0) done(results);
    }
    // One clock reading for the call: the tasks arrive together.
    const now = this.config.clock.now();
    let i = 0;
    if (extras === undefined && this.backlog.priority === undefined) {
      // Idle workers take inputs straight away. One that finishes an input synchronously takes
      // the next at once, staying busy: no idle ⇄ busy edge, idle-stack round trip or pump per
      // input (synchronous workers may run the whole call inline) …
      const idle = this.roster.idle;
      const tick = this.tick(now);
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
      // … and the rest, if the queue has room for all of it, queue as one lazy entry.
      const rest = n - i;
      if (rest > 0 && this.accepting && rest <= this.config.capacity - this.metrics.queued) {
        this.metrics.submitted += rest;
        // A copy of the rest (when the caller's array was taken as it is): later changes to
        // their array must not change what runs.
        const inputs = list === inputs0 ? list.slice(i) : list;
        const offset = list === inputs0 ? 0 : i;
        this.backlog.enqueueBulk(
          new BulkTasks(
            inputs,
            offset,
            offset + rest,
            first + i - offset,
            this.tick(now),
            resolveOne,
          ),
        );
        if (this.sizing !== undefined) {
          for (let k = 0; k < rest; k++) {
            const before = this.sizeTarget;
            this.demand();
            if (this.sizeTarget === before) break;
          }
        }
        return promise;
      }
    }
    this.backlog.reserve(n - i);
    for (; i < n; i++) {
      let refusal: TaskResult<never> | undefined;
      let room: Room = HAS_ROOM;
      if (!this.accepting) refusal = this.refuseAtDoor(this.refusal, this.refusalMessage);
      else if (extras?.signal?.aborted === true) {
        // Aborted while the call admits its items (by a task that ran inline, or a subscriber).
        this.metrics.rejected++;
        refusal = err(new TaskCancelled(extras.signal.reason));
      } else if ((room = this.room()) === NO_ROOM) refusal = this.refuseFull();
      if (refusal !== undefined) {
        results[i] = refusal;
        if (--remaining === 0) done(results);
        continue;
      }
      const x = extras === undefined || extras.shared ? extras : copyExtras(extras);
      const task = new Task(first + i, list[i], this.tick(now), x);
      task.resolve = resolveOne;
      this.place(task, room, now);
    }
    return promise;
  }

  /** Checks per-task options: the task's extras, or the refusal to resolve with. */
  protected readOptions(options: SubmitOptions): TaskExtras | undefined | TaskErrorResult {
    const checked = checkSubmitOptions(options, this.config.priority?.levels);
    if (typeof checked === 'string')
      return new TaskErrorResult(this.refuseAtDoor('invalid-input', checked));
    if (checked !== undefined && checked.signal?.aborted === true) {
      this.metrics.rejected++;
      return new TaskErrorResult(err(new TaskCancelled(checked.signal.reason)));
    }
    if (checked?.id !== undefined && this.named.has(checked.id)) {
      return new TaskErrorResult(
        this.refuseAtDoor(
          'invalid-input',
          `id '${checked.id}' is already used by an unsettled task of pool '${this.config.name}'`,
        ),
      );
    }
    return checked;
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
