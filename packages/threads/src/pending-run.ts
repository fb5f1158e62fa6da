import type { TaskContext } from '@troupe/core';

/** What a pending run reports its abort to. */
export interface AbortTarget {
  abortRun(run: PendingRun, reason: unknown): void;
}

type Settle = (value: unknown) => void;
const ignore: Settle = () => undefined;

const UNSETTLED = 0;
const RESOLVED = 1;
const REJECTED = 2;

/**
 * A run sent to a thread and not answered yet — and the thenable `run` returns for it. The pool
 * continues a run with `then(onOk, onErr)` (its per-worker callbacks, bound once) and `await`
 * does the same; a thenable that calls them straight from the answer saves a promise, its
 * reaction and a microtask per task. It keeps what those callers rely on: one of the callbacks,
 * at most once, never during the `send` that made it (answers arrive in later messages). It is
 * not a full promise: `then` returns the run itself, so a chain `.then(f).then(g)` would give
 * `g` the answer rather than `f`'s result; nothing outside this package sees it but the pool.
 */
export class PendingRun implements PromiseLike<unknown> {
  #state = UNSETTLED;
  #value: unknown = undefined;
  #onOk: Settle | undefined = undefined;
  #onErr: Settle | undefined = undefined;

  constructor(
    readonly link: AbortTarget,
    readonly id: number,
    readonly ctx: TaskContext<unknown>,
    /** Its place in the order the link sent runs in (runs given back keep that order). */
    readonly sent: number,
  ) {}

  /** Its task was aborted while in flight (`ctx.onAbort`): the link acts on it. */
  handleAbort(reason: unknown): void {
    this.link.abortRun(this, reason);
  }

  get taskId(): number {
    return this.ctx.taskId;
  }

  then<A = unknown, B = never>(
    onOk?: ((value: unknown) => A | PromiseLike<A>) | null,
    onErr?: ((error: unknown) => B | PromiseLike<B>) | null,
  ): PromiseLike<A | B> {
    // The pool's callbacks return nothing: stored as they are, no wrapper per run.
    this.#listen(onOk ?? ignore, onErr ?? ignore);
    return this as PromiseLike<A | B>;
  }

  #listen(onOk: Settle, onErr: Settle): void {
    if (this.#state === RESOLVED) queueMicrotask(() => onOk(this.#value));
    else if (this.#state === REJECTED) queueMicrotask(() => onErr(this.#value));
    else if (this.#onOk === undefined) {
      this.#onOk = onOk;
      this.#onErr = onErr;
    } else {
      const [ok, fail] = [this.#onOk, this.#onErr!];
      this.#onOk = (value) => (ok(value), onOk(value));
      this.#onErr = (error) => (fail(error), onErr(error));
    }
  }

  resolve(value: unknown): void {
    if (this.#state !== UNSETTLED) return;
    this.#state = RESOLVED;
    this.#value = value;
    this.#onOk?.(value);
  }

  reject(error: unknown): void {
    if (this.#state !== UNSETTLED) return;
    this.#state = REJECTED;
    this.#value = error;
    this.#onErr?.(error);
  }
}
