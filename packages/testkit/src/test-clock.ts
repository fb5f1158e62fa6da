import { createVirtualClock, type TimerHandle, type VirtualClock } from '@troupe/core';
import { timerLabel, timerSite, type PendingTimer } from './pending-timer.js';
import {
  NeverSettlesError,
  TimerLeakError,
  TimersKeepReschedulingError,
} from './test-clock-errors.js';

/** Bounds of a run of timers. */
export interface RunOptions {
  /**
   * Most timers to fire before giving up with a {@link TimersKeepReschedulingError}.
   * @default 10_000
   */
  readonly maxSteps?: number;
}

/**
 * A virtual clock for tests: every timer of Troupe (task timeouts, restart backoff, queue aging,
 * batch windows, the autoscaler, health windows, metrics intervals) fires only when the test
 * moves time, so a test runs years of pool life deterministically and at once.
 */
export interface TestClock extends VirtualClock, Disposable {
  /**
   * Fires timers in order, time jumping to each, until none is pending; resolves with how many
   * fired. Throws a {@link TimersKeepReschedulingError} naming the timers that kept coming back
   * when `maxSteps` fire and timers are still pending (a metrics interval subscribed to, a
   * backoff that never ends).
   */
  runUntilIdle(options?: RunOptions): Promise<number>;
  /**
   * Fires timers in order until `promise` settles, and resolves or rejects as it does. Throws
   * when no timer is left and it is still pending (nothing can ever settle it), or after
   * `maxSteps` timers: e.g. `await clock.runUntilSettled(pool.close())`.
   */
  runUntilSettled<T>(promise: Promise<T>, options?: RunOptions): Promise<T>;
  /** The timers pending now, the earliest first. */
  timers(): readonly PendingTimer[];
  /**
   * Clears every pending timer (none of them will ever fire, nothing they hold is kept) and
   * ends the clock: timers set from now on are ignored. Returns the timers it cleared. Also
   * `[Symbol.dispose]`, so `using clock = createTestClock()` ends it with the test's block.
   */
  dispose(): readonly PendingTimer[];
  readonly disposed: boolean;
}

/** How a test clock is made. */
export interface TestClockOptions {
  /**
   * Clock time at the start (ms).
   * @default 0
   */
  readonly startMs?: number;
  /**
   * Note where every timer is set (a stack trace per timer: slower), not only those set while
   * `runUntilIdle` or `runUntilSettled` runs.
   * @default false
   */
  readonly sites?: boolean;
}

interface Entry {
  readonly handle: TimerHandle;
  readonly at: number;
  readonly delayMs: number;
  readonly callback: () => void;
  readonly site: string | undefined;
  readonly seq: number;
}

const DEFAULT_MAX_STEPS = 10_000;
/** Clocks made and not disposed yet, for {@link disposeTestClocks}. */
const live = new Set<TestClock>();

/**
 * Makes a {@link TestClock}: core's virtual clock (`createVirtualClock`) with a record of its
 * pending timers, runs until idle or until a promise settles, and an end.
 *
 * @example
 * using clock = createTestClock();
 * const pool = createPool({ worker, size: 2, clock }).start();
 * const closed = pool.close();
 * await clock.runUntilSettled(closed); // however long the drain and the backoff take
 */
export function createTestClock(options: TestClockOptions = {}): TestClock {
  const inner = createVirtualClock(options.startMs ?? 0);
  const entries = new Map<TimerHandle, Entry>();
  let tracing = options.sites === true;
  let disposed = false;
  let seq = 0;
  /** Labels of the timers fired in the current run, with how often: the ones that keep coming. */
  let fired: Map<string, number> | undefined;

  const describe = (e: Entry): PendingTimer => ({
    handle: e.handle,
    at: e.at,
    delayMs: e.delayMs,
    label: timerLabel(e.callback, e.site),
  });
  const timers = (): PendingTimer[] =>
    [...entries.values()].sort((a, b) => a.at - b.at || a.seq - b.seq).map(describe);

  const run = async (
    options: RunOptions | undefined,
    done: () => boolean,
    stuck: () => Error,
  ): Promise<number> => {
    const maxSteps = options?.maxSteps ?? DEFAULT_MAX_STEPS;
    const before = tracing;
    tracing = true;
    fired = new Map();
    let steps = 0;
    try {
      await inner.flush();
      while (!done()) {
        if (entries.size === 0) throw stuck();
        if (steps >= maxSteps)
          throw new TimersKeepReschedulingError(maxSteps, inner.now(), timers(), fired);
        await inner.next();
        steps++;
      }
      return steps;
    } finally {
      tracing = before;
      fired = undefined;
    }
  };

  const clock: TestClock = {
    now: () => inner.now(),
    setTimeout(callback, delayMs) {
      if (disposed) return undefined;
      const handle: TimerHandle = inner.setTimeout(() => {
        entries.delete(handle);
        if (fired !== undefined) {
          const label = timerLabel(callback, entry.site);
          fired.set(label, (fired.get(label) ?? 0) + 1);
        }
        callback();
      }, delayMs);
      const entry: Entry = {
        handle,
        at: inner.now() + Math.max(0, delayMs),
        delayMs,
        callback,
        site: tracing ? timerSite(new Error().stack) : undefined,
        seq: ++seq,
      };
      entries.set(handle, entry);
      return handle;
    },
    clearTimeout(handle) {
      entries.delete(handle);
      inner.clearTimeout(handle);
    },
    advance: (ms) => inner.advance(ms),
    next: () => inner.next(),
    flush: () => inner.flush(),
    pending: () => entries.size,
    runUntilIdle: (options) =>
      run(
        options,
        () => entries.size === 0,
        () => new Error('unreachable'),
      ),
    async runUntilSettled<T>(promise: Promise<T>, options?: RunOptions): Promise<T> {
      let settled = false;
      promise.then(
        () => (settled = true),
        () => (settled = true),
      );
      await run(
        options,
        () => settled,
        () => new NeverSettlesError(inner.now()),
      );
      return promise;
    },
    timers,
    dispose() {
      const cleared = timers();
      for (const handle of entries.keys()) inner.clearTimeout(handle);
      entries.clear();
      disposed = true;
      live.delete(clock);
      return cleared;
    },
    get disposed() {
      return disposed;
    },
    [Symbol.dispose]() {
      clock.dispose();
    },
  };
  live.add(clock);
  return clock;
}

/**
 * Disposes every test clock not disposed yet; for `afterEach(disposeTestClocks)`, so no test
 * leaves timers to the next. Throws a {@link TimerLeakError} listing the timers that were still
 * pending (a pool or a stream left open), unless `allowPending`.
 */
export function disposeTestClocks(options: { readonly allowPending?: boolean } = {}): void {
  const leaked: PendingTimer[] = [];
  for (const clock of [...live]) leaked.push(...clock.dispose());
  if (leaked.length > 0 && options.allowPending !== true) throw new TimerLeakError(leaked);
}
