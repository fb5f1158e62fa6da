/**
 * The errors of `@troupe/bullmq`. A task's outcome still arrives as one of core's `TaskError`s;
 * these are what such an error carries as `cause` when the reason lies in the distribution.
 */

/**
 * An error thrown on the far side of the queue (by task code in a consumer's pool), rebuilt on
 * the producer from what travelled through Redis: its `name` and `message` are the original's,
 * its stack is not (only text crosses the wire).
 */
export class RemoteError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/**
 * Redis could not be reached for longer than the executor's `outageWaitMs`: the job was not
 * added (or could not be confirmed), and the task fails with this as cause. The pool's `retry`
 * policy may try it again.
 */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
  constructor(
    readonly queue: string,
    readonly waitedMs: number,
    override readonly cause?: unknown,
  ) {
    super(
      `Redis was unreachable for ${Math.round(waitedMs)} ms (queue '${queue}'): the job was not handed to the queue`,
      cause === undefined ? undefined : { cause },
    );
  }
}

/**
 * BullMQ gave the job up after it stalled more often than the consumers' `maxStalled` allows:
 * each time, the consumer running it died (or blocked its event loop past the lock) before it
 * finished. The task ends `WorkerCrashed` with this as cause.
 */
export class JobStalledError extends Error {
  override readonly name = 'JobStalledError';
  constructor(
    readonly jobId: string,
    /** BullMQ's own words for it (its `failedReason`). */
    readonly failedReason: string,
  ) {
    super(
      `job ${jobId} stalled more times than the consumers' maxStalled allows (its consumer died or blocked while running it each time); BullMQ said: ${failedReason}`,
    );
  }
}
