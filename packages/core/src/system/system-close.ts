import type { Subscription } from 'rxjs';
import type { Balancer } from '../balancing/balancer.js';
import type { Pool } from '../pool/pool.js';
import type { CloseOptions } from '../sink.js';
import type { Clock } from '../time/clock.js';
import type { PipelineHandle } from './system-pipelines.js';

/** What a system's close closes, each kind in the order it goes. */
export interface CloseParts {
  readonly clock: Clock;
  readonly pipelines: readonly PipelineHandle[];
  /** Outer balancers first (the reverse of the order they were built in). */
  readonly balancers: readonly Balancer<unknown, unknown>[];
  readonly pools: readonly Pool<unknown, unknown>[];
}

/**
 * A system's close, in reverse dependency order: pipelines stop taking input and finish what
 * they hold; balancers drain and close, one after another, outer ones first; then every pool
 * drains and closes. Each gets the close's options; a `timeoutMs` bounds the whole (each step
 * gets what is left). A pool that is failed, or fails meanwhile, closes at once: nothing will
 * restart it, and a balancer over it must not wait for it. `abort()` turns the close into an
 * abort at any point. Never rejects.
 */
export class SystemClose {
  readonly done: Promise<void>;
  #abort: boolean;
  readonly #deadline: number | undefined;
  readonly #options: CloseOptions;
  readonly #watches: Subscription[] = [];

  constructor(
    private readonly parts: CloseParts,
    options: CloseOptions,
  ) {
    this.#options = options;
    this.#abort = options.abort === true;
    const { timeoutMs } = options;
    this.#deadline =
      timeoutMs === undefined || timeoutMs === Infinity ? undefined : parts.clock.now() + timeoutMs;
    for (const pool of parts.pools) {
      this.#watches.push(
        pool.state$.subscribe((state) => {
          if (state === 'failed') void pool.close(this.#now());
        }),
      );
    }
    this.done = this.#run().finally(() => {
      for (const watch of this.#watches) watch.unsubscribe();
    });
  }

  /** A later `close({ abort: true })`: everything still open is aborted. */
  abort(): void {
    if (this.#abort) return;
    this.#abort = true;
    const now = this.#now();
    for (const pipeline of this.parts.pipelines) pipeline.stop();
    for (const balancer of this.parts.balancers) void balancer.close(now);
    for (const pool of this.parts.pools) void pool.close(now);
  }

  async #run(): Promise<void> {
    const { pipelines, balancers, pools } = this.parts;
    for (const pipeline of pipelines) pipeline.stop();
    if (!this.#abort) await this.#within(Promise.all(pipelines.map((p) => p.whenIdle())));
    for (const balancer of balancers) await settled(balancer.close(this.#now()));
    await Promise.all(pools.map((pool) => settled(pool.close(this.#now()))));
  }

  /** The options for a member closing now: the abort as it stands, the time left. */
  #now(): CloseOptions {
    const options: CloseOptions = { ...this.#options, abort: this.#abort };
    if (this.#deadline === undefined) return options;
    return { ...options, timeoutMs: Math.max(0, this.#deadline - this.parts.clock.now()) };
  }

  /** `work`, or the deadline, whichever comes first. */
  #within(work: Promise<unknown>): Promise<void> {
    const deadline = this.#deadline;
    if (deadline === undefined) return settled(work);
    const { clock } = this.parts;
    let timer: unknown;
    const timeout = new Promise<void>((resolve) => {
      timer = clock.setTimeout(resolve, Math.max(0, deadline - clock.now()));
    });
    return Promise.race([settled(work), timeout]).finally(() => clock.clearTimeout(timer));
  }
}

/** Resolves when `promise` settles, either way: a close goes on past a member's failure. */
function settled(promise: Promise<unknown>): Promise<void> {
  return promise.then(
    () => undefined,
    () => undefined,
  );
}
