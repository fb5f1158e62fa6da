import type { SubmitOptions } from '../pool/submit-options.js';
import type { TaskResult } from '../result.js';

/** A task on its way through the balancer. */
export interface Routed<TInput, TOutput> {
  readonly input: TInput;
  readonly options: SubmitOptions | undefined;
  readonly key: string | undefined;
  readonly id: string | undefined;
  readonly signal: AbortSignal | undefined;
  /** The balancer's number for it (`TaskOutcome.taskId`). */
  readonly taskId: number;
  readonly submittedAt: number;
  /** When it was first handed to a member (-1: not yet). */
  routedAt: number;
  /** Members (by index) that refused it since it was last held: not offered it again meanwhile. */
  tried: number[] | undefined;
  /** Where it waits: in the queue, for room in it (overflow 'wait'), or nowhere. */
  place: 'queue' | 'room' | undefined;
  /** Settles the caller's promise while it is held. */
  resolve: ((result: Promise<TaskResult<TOutput>> | TaskResult<TOutput>) => void) | undefined;
  onAbort: (() => void) | undefined;
}

/** A task as submitted, not yet routed nor held. */
export function routed<TInput, TOutput>(
  input: TInput,
  options: SubmitOptions | undefined,
  key: string | undefined,
  id: string | undefined,
  signal: AbortSignal | undefined,
  taskId: number,
  now: number,
): Routed<TInput, TOutput> {
  const task: Routed<TInput, TOutput> = {
    input,
    options,
    key,
    id,
    signal,
    taskId,
    submittedAt: now,
    routedAt: -1,
    tried: undefined,
    place: undefined,
    resolve: undefined,
    onAbort: undefined,
  };
  return task;
}

/**
 * The tasks no member can take yet: a FIFO queue bounded by the balancer's capacity, and the
 * submits waiting for room in it (overflow `'wait'`). A cancelled entry is dropped lazily (its
 * `place` cleared), so a cancel costs no search.
 */
export class HeldTasks<TInput, TOutput> {
  #queue: Routed<TInput, TOutput>[] = [];
  #head = 0;
  #room: Routed<TInput, TOutput>[] = [];
  #roomHead = 0;
  /** Tasks in the queue. */
  queued = 0;
  /** Submits waiting for room. */
  waiting = 0;

  constructor(readonly capacity: number) {}

  get hasRoom(): boolean {
    return this.queued < this.capacity;
  }

  /** Holds `task` (in the queue, or for room); resolves as `task.resolve` is called. */
  hold(
    task: Routed<TInput, TOutput>,
    place: 'queue' | 'room',
    cancel: (task: Routed<TInput, TOutput>) => void,
  ): Promise<TaskResult<TOutput>> {
    task.place = place;
    task.tried = undefined;
    if (place === 'queue') {
      this.#queue.push(task);
      this.queued++;
    } else {
      this.#room.push(task);
      this.waiting++;
    }
    const { signal } = task;
    if (signal !== undefined) {
      task.onAbort = () => cancel(task);
      signal.addEventListener('abort', task.onAbort, { once: true });
    }
    return new Promise((resolve) => (task.resolve = resolve));
  }

  /** The oldest task in the queue, or `undefined`. */
  peek(): Routed<TInput, TOutput> | undefined {
    const queue = this.#queue;
    while (this.#head < queue.length && queue[this.#head]!.place !== 'queue') this.#head++;
    if (this.#head === queue.length && this.#head > 0) {
      this.#queue = [];
      this.#head = 0;
    }
    return this.#queue[this.#head];
  }

  /** Takes `task` out of wherever it is held (it must be held). */
  release(task: Routed<TInput, TOutput>): void {
    if (task.place === 'queue') this.queued--;
    else if (task.place === 'room') this.waiting--;
    task.place = undefined;
    if (task.onAbort !== undefined) task.signal?.removeEventListener('abort', task.onAbort);
    task.onAbort = undefined;
  }

  /** Moves submits waiting for room into the queue while it has room. */
  admit(): void {
    const room = this.#room;
    while (this.hasRoom && this.#roomHead < room.length) {
      const task = room[this.#roomHead++]!;
      if (task.place !== 'room') continue;
      task.place = 'queue';
      this.waiting--;
      this.queued++;
      this.#queue.push(task);
    }
    if (this.#roomHead === room.length) {
      this.#room = [];
      this.#roomHead = 0;
    }
  }

  /** Every task held, oldest first (`room`: those waiting for room only). */
  all(room = false): Routed<TInput, TOutput>[] {
    const waiting = this.#room.slice(this.#roomHead).filter((t) => t.place === 'room');
    if (room) return waiting;
    return [...this.#queue.slice(this.#head).filter((t) => t.place === 'queue'), ...waiting];
  }
}
