/** Counts of this process's worker threads, across every pool. */
export interface ThreadStats {
  /** Threads spawned and not yet exited. 0 once every pool is closed. */
  readonly live: number;
  /** Threads spawned since the process started. */
  readonly started: number;
  /** Teardowns that gave up waiting for `terminate()` (see `terminateTimeoutMs`). */
  readonly leaked: number;
}

/** The module-wide counters behind `threadStats()`. */
export const counters = { live: 0, started: 0, leaked: 0 };

/**
 * The thread counters now: for tests and health checks that must see every thread gone.
 *
 * @example
 * await pool.close();
 * assert.equal(threadStats().live, 0);
 */
export function threadStats(): ThreadStats {
  return { live: counters.live, started: counters.started, leaked: counters.leaked };
}
