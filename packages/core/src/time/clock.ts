/** A handle returned by {@link Clock.setTimeout}. */
export type TimerHandle = unknown;

/**
 * The source of time for every pool, worker and machine.
 *
 * All timing in Troupe (task timeouts, close deadlines, metrics ticks, machine delays) goes
 * through a `Clock`, so a test can drive years of pool life in virtual time.
 */
export interface Clock {
  /** Milliseconds on a monotonic scale; only differences are meaningful. */
  now(): number;
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** Longest delay the host's timers take; longer ones fire early and their owner re-arms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The real clock: `performance.now()` and the host's timers. A pending timer keeps the process
 * alive (an awaited task deadline must fire), so pools clear their timers when idle or closed.
 */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (callback, delayMs) => setTimeout(callback, Math.min(delayMs, MAX_TIMER_MS)),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

interface VirtualTimer {
  readonly at: number;
  readonly seq: number;
  readonly callback: () => void;
}

/** A {@link Clock} whose time moves only when the test says so. */
export interface VirtualClock extends Clock {
  /**
   * Moves time forward by `ms`, firing every timer that falls due in order, and letting
   * promise callbacks run between timers so that async code reacts as it would in real time.
   */
  advance(ms: number): Promise<void>;
  /** Advances to the next pending timer (if any) and fires it; resolves `false` when none is pending. */
  next(): Promise<boolean>;
  /** Lets all pending promise callbacks (and those they schedule) run, without moving time. */
  flush(): Promise<void>;
  /** Number of timers not yet fired. */
  pending(): number;
}

/** Yields to the event loop once: every queued microtask (and their follow-ups) runs first. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Creates a deterministic virtual clock starting at `startMs`.
 *
 * @example
 * const clock = createVirtualClock();
 * const pool = createPool({ worker, size: 1, timeoutMs: 1_000, clock }).start();
 * const result = pool.submit(input);
 * await clock.advance(1_000); // the task times out without a real second passing
 */
export function createVirtualClock(startMs = 0): VirtualClock {
  let now = startMs;
  let seq = 0;
  const timers = new Map<number, VirtualTimer>();

  const earliest = (): [number, VirtualTimer] | undefined => {
    let best: [number, VirtualTimer] | undefined;
    for (const entry of timers) {
      const t = entry[1];
      if (best === undefined || t.at < best[1].at || (t.at === best[1].at && t.seq < best[1].seq)) {
        best = entry;
      }
    }
    return best;
  };

  const fire = ([id, timer]: [number, VirtualTimer]): void => {
    timers.delete(id);
    now = Math.max(now, timer.at);
    timer.callback();
  };

  return {
    now: () => now,
    setTimeout(callback, delayMs) {
      const id = ++seq;
      timers.set(id, { at: now + Math.max(0, delayMs), seq: id, callback });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    async advance(ms) {
      if (!(ms >= 0)) throw new RangeError(`advance(ms): ms must be >= 0 (got ${String(ms)})`);
      const target = now + ms;
      await settle();
      for (;;) {
        const due = earliest();
        if (due === undefined || due[1].at > target) break;
        fire(due);
        await settle();
      }
      now = target;
      await settle();
    },
    async next() {
      await settle();
      const due = earliest();
      if (due === undefined) return false;
      fire(due);
      await settle();
      return true;
    },
    flush: settle,
    pending: () => timers.size,
  };
}
