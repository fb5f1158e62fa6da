import { checkKey, type SubmitOptions } from '../pool/submit-options.js';
import type { TaskResult } from '../result.js';
import type { Member } from './member.js';

/** A task on its way through the balancer: kept small, as every task has one. */
export interface Routed<TInput, TOutput> {
  readonly input: TInput;
  readonly options: SubmitOptions | undefined;
  readonly key: string | undefined;
  readonly id: string | undefined;
  /** The balancer's number for it (`TaskOutcome.taskId`). */
  readonly taskId: number;
  /** When it was first handed to a member, if timed (-1: not yet routed; -2: not timed). */
  routedAt: number;
  /** Members (by index) that refused it since it was last held: not offered it again meanwhile. */
  tried: number[] | undefined;
  /** While it is (or was) held: where and since when (made the first time it is held). */
  wait: Waiting<TOutput> | undefined;
  /** The member it was last sent to. */
  member: Member<TInput, TOutput> | undefined;
  /** Settles the caller's promise, while it is at a member that answers by callback. */
  done: ((result: Promise<TaskResult<TOutput>> | TaskResult<TOutput>) => void) | undefined;
  /** The callback such a member answers (made the first time it is sent to one). */
  answer: ((result: TaskResult<TOutput>) => void) | undefined;
}

/** What a held task needs besides (rare, so kept off every task). */
export interface Waiting<TOutput> {
  /** Where it waits: in the queue, for room in it (overflow 'wait'), or nowhere any more. */
  place: 'queue' | 'room' | undefined;
  readonly since: number;
  readonly signal: AbortSignal | undefined;
  /** Settles the caller's promise. */
  resolve: (result: Promise<TaskResult<TOutput>> | TaskResult<TOutput>) => void;
  onAbort: (() => void) | undefined;
}

/** A task as submitted, not yet routed nor held. */
export function routed<TInput, TOutput>(
  input: TInput,
  options: SubmitOptions | undefined,
  key: string | undefined,
  id: string | undefined,
  taskId: number,
): Routed<TInput, TOutput> {
  return {
    input,
    options,
    key,
    id,
    taskId,
    routedAt: -1,
    tried: undefined,
    wait: undefined,
    member: undefined,
    done: undefined,
    answer: undefined,
  };
}

/**
 * What the balancer reads of a submit's options: the key and id, or why it refuses them (a bad
 * key, an id in use by one of its unsettled tasks).
 */
export function readRouting(
  options: SubmitOptions,
  ids: ReadonlySet<string>,
  balancer: string,
): { key: string | undefined; id: string | undefined } | string {
  let key: string | undefined;
  let id: string | undefined;
  try {
    ({ key, id } = options);
  } catch {
    // The member reads the options again and says what is wrong with them.
  }
  const badKey = checkKey(key);
  if (badKey !== undefined) return badKey;
  if (id !== undefined && ids.has(id))
    return `id '${id}' is already in use by an unsettled task of balancer '${balancer}'`;
  return { key, id };
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
    now: number,
    cancel: (task: Routed<TInput, TOutput>) => void,
  ): Promise<TaskResult<TOutput>> {
    let resolve!: Waiting<TOutput>['resolve'];
    const held = new Promise<TaskResult<TOutput>>((r) => (resolve = r));
    const wait: Waiting<TOutput> = {
      place,
      since: task.wait?.since ?? now,
      signal: signalOf(task.options),
      resolve,
      onAbort: undefined,
    };
    task.wait = wait;
    task.tried = undefined;
    if (place === 'queue') {
      this.#queue.push(task);
      this.queued++;
    } else {
      this.#room.push(task);
      this.waiting++;
    }
    const { signal } = wait;
    if (signal !== undefined) {
      wait.onAbort = () => cancel(task);
      signal.addEventListener('abort', wait.onAbort, { once: true });
    }
    return held;
  }

  /** The oldest task in the queue, or `undefined`. */
  peek(): Routed<TInput, TOutput> | undefined {
    const queue = this.#queue;
    while (this.#head < queue.length && queue[this.#head]!.wait?.place !== 'queue') this.#head++;
    if (this.#head === queue.length && this.#head > 0) {
      this.#queue = [];
      this.#head = 0;
    }
    return this.#queue[this.#head];
  }

  /** Takes `task` out of wherever it is held (it must be held). */
  release(task: Routed<TInput, TOutput>): Waiting<TOutput> {
    const wait = task.wait!;
    if (wait.place === 'queue') this.queued--;
    else if (wait.place === 'room') this.waiting--;
    wait.place = undefined;
    if (wait.onAbort !== undefined) wait.signal?.removeEventListener('abort', wait.onAbort);
    wait.onAbort = undefined;
    return wait;
  }

  /** Moves submits waiting for room into the queue while it has room. */
  admit(): void {
    const room = this.#room;
    while (this.hasRoom && this.#roomHead < room.length) {
      const task = room[this.#roomHead++]!;
      if (task.wait?.place !== 'room') continue;
      task.wait.place = 'queue';
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
    const waiting = this.#room.slice(this.#roomHead).filter((t) => t.wait?.place === 'room');
    if (room) return waiting;
    const queued = this.#queue.slice(this.#head).filter((t) => t.wait?.place === 'queue');
    return [...queued, ...waiting];
  }
}

/** The submit's signal (options are read again here: a held task is rare). */
function signalOf(options: SubmitOptions | undefined): AbortSignal | undefined {
  try {
    return options?.signal;
  } catch {
    return undefined;
  }
}
