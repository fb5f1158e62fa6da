import { TaskCancelled, TaskRejected, type RejectReason } from '../errors.js';
import { checkSubmitOptions, type SubmitOptions } from '../pool/submit-options.js';
import { err, type TaskResult } from '../result.js';
import type { Backlog } from './backlog.js';
import type { TaskPath } from './task-path.js';
import type { Task, TaskExtras } from './task.js';

/** How a new task fits (see `Door.room`): a small number, compared on the per-task path. */
export type Room = 0 | 1 | 2 | 3;
export const HAS_ROOM: Room = 0;
export const NO_ROOM: Room = 1;
/** The queue is full and the overflow policy is `'wait'`: the task waits for room. */
export const WAIT: Room = 2;
/** The queue is full and the overflow policy is `'drop-oldest'`: the oldest queued task goes. */
export const EVICT: Room = 3;

/** A refusal found at the door of a call (a class, so it cannot be mistaken for extras). */
export class Refusal {
  constructor(readonly result: TaskResult<never>) {}
}

/** A refusal as `submit` gives it (`Left`), or as `run` does (rejected with the error). */
export const refused = (result: TaskResult<never>, unwrapped: boolean): Promise<unknown> =>
  unwrapped && result._tag === 'Left' ? Promise.reject(result.left) : Promise.resolve(result);

/** Cancels a task wherever it stands (see `Sweeps.cancel`). */
export interface Canceller {
  cancel(task: Task, reason: unknown): void;
}

/**
 * Admission: the door every task passes once, whoever brings it (`submit`, `run`, `submitMany`,
 * a batch pool's batches). A pool that is not taking tasks refuses before it reads options;
 * options are read once a call (`readOptions`); then, per task, `admission` turns it away (pool
 * closed meanwhile, signal aborted) or finds it room, applying the overflow policy. The door
 * also knows the unsettled tasks that carry a caller's id, and listens to their signals.
 */
export class Door {
  /** Whether submits are taken now. */
  accepting = false;
  #refusal: RejectReason = 'pool-closed';
  #refusalMessage: string;
  /** What made the pool refuse, when something did (a failed pool's `PoolFailedError`). */
  #refusalCause: unknown = undefined;
  /** Unsettled tasks that carry a caller's id (made at the first: most pools see none). */
  #named: Map<string, Task> | undefined;
  readonly #backlog: Backlog;

  constructor(
    private readonly path: TaskPath,
    private readonly canceller: Canceller,
  ) {
    this.#backlog = path.backlog;
    this.#refusalMessage = `pool '${path.config.name}' is stopped: call start() first`;
  }

  /** Starts taking submits. */
  open(): void {
    this.accepting = true;
  }

  /** Stops taking submits; later ones get `TaskRejected` with `reason`. */
  close(reason: RejectReason, message: string, cause?: unknown): void {
    this.accepting = false;
    this.#refusal = reason;
    this.#refusalMessage = message;
    this.#refusalCause = cause;
  }

  /** Reads a call's options: the extras its tasks carry, or the refusal they all resolve with. */
  readOptions(options: SubmitOptions): TaskExtras | undefined | Refusal {
    const { config } = this.path;
    const checked = checkSubmitOptions(options, config.priority?.levels);
    if (typeof checked === 'string') return new Refusal(this.refuse('invalid-input', checked));
    if (checked?.signal?.aborted === true) return new Refusal(this.cancelAtDoor(checked.signal));
    if (checked?.id !== undefined && this.#named?.has(checked.id) === true) {
      return new Refusal(
        this.refuse(
          'invalid-input',
          `id '${checked.id}' is already used by an unsettled task of pool '${config.name}'`,
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
  admission(extras: TaskExtras | undefined): Room | TaskResult<never> {
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
    if (!this.accepting)
      return this.refuse(this.#refusal, this.#refusalMessage, this.#refusalCause);
    if (signal?.aborted === true) return this.cancelAtDoor(signal);
    return undefined;
  }

  /** A refusal at the door: counted in `rejected`, told on `events$`. */
  refuse(reason: RejectReason, message: string, cause?: unknown): TaskResult<never> {
    const { metrics, events$ } = this.path;
    metrics.rejected++;
    if (events$.observed) events$.next({ type: 'task.rejected', reason, message });
    return err(new TaskRejected(reason, message, undefined, cause));
  }

  /** A task whose signal aborted before it came in: `TaskCancelled`, counted in `rejected`. */
  cancelAtDoor(signal: AbortSignal): TaskResult<never> {
    this.path.metrics.rejected++;
    return err(new TaskCancelled(signal.reason));
  }

  /** Whether a new task fits: `HAS_ROOM`, or the overflow policy's answer when the queue is full. */
  room(): Room {
    if (!this.#backlog.full) return HAS_ROOM;
    const { overflow, capacity } = this.path.config;
    // A queue of capacity 0 holds nothing: a task fits only when a free lane starts it now
    // (nothing older waits for one); else it waits for one ('wait') or is refused (nothing
    // queued to drop: 'drop-oldest' refuses as 'reject' does).
    if (capacity === 0) return this.freeLaneNow() ? HAS_ROOM : overflow === 'wait' ? WAIT : NO_ROOM;
    return overflow === 'reject' ? NO_ROOM : overflow === 'drop-oldest' ? EVICT : WAIT;
  }

  /** Whether a task submitted now would start at once on an idle lane (the rate limit is asked, not taken from). */
  freeLaneNow(): boolean {
    const { metrics: m, roster, limiter, config } = this.path;
    return (
      roster.idle.length > 0 &&
      m.queued === 0 &&
      m.waiting === 0 &&
      !this.path.isPaused &&
      (limiter === undefined || limiter.allows(config.clock.now()))
    );
  }

  refuseFull(): TaskResult<never> {
    const { name, capacity } = this.path.config;
    return this.refuse('queue-full', `queue of pool '${name}' is full (capacity ${capacity})`);
  }

  /** An admitted task with extras: its id is taken, its signal listened to. */
  remember(task: Task): void {
    const x = task.x!;
    if (x.signal !== undefined) {
      const signal = x.signal;
      x.onAbort = () => this.canceller.cancel(task, signal.reason);
      signal.addEventListener('abort', x.onAbort, { once: true });
    }
    if (x.id !== undefined) (this.#named ??= new Map<string, Task>()).set(x.id, task);
  }

  /** A task with extras settled: its id is free, its signal no longer listened to. */
  forget(task: Task): void {
    const x = task.x!;
    if (x.onAbort !== undefined) {
      x.signal!.removeEventListener('abort', x.onAbort);
      x.onAbort = undefined;
    }
    if (x.id !== undefined) this.#named?.delete(x.id);
  }

  /** The unsettled task submitted with `id`. */
  named(id: string): Task | undefined {
    return this.#named?.get(id);
  }

  /** Overflow `'drop-oldest'`: the oldest queued task makes room for a newcomer. */
  dropOldest(): void {
    const { backlog, metrics, config } = this.path;
    const task = backlog.evictOldest();
    if (task === undefined) return;
    metrics.dropped++;
    const message = `dropped from the full queue of pool '${config.name}' to make room (overflow 'drop-oldest')`;
    this.path.settle(task, err(new TaskRejected('queue-full', message, task.id)));
  }
}
