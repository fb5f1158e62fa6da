/**
 * One task of a producer's pool on its way through the queue: its job, until the job's end is
 * heard (a completion or failure event, or a check in Redis) or the task is aborted.
 */

/**
 * Where a pending job stands on the producer's side: `adding` (`queue.add` sent, not answered),
 * `added` (in Redis: waiting, or running on a consumer), `held` (not in Redis as far as the
 * producer knows: waiting for Redis to be reachable).
 */
export type JobStage = 'adding' | 'added' | 'held';

/** What a pending job tells its link when the pool aborts its task. */
export interface AbortSink {
  abort(job: PendingJob, reason: unknown): void;
}

/** A task's job from `queue.add` to its end: the run's promise, and what re-adding it needs. */
export class PendingJob {
  stage: JobStage = 'adding';
  /** Clock time the producer last heard of the job (added, held, checked). */
  since: number;
  readonly promise: Promise<unknown>;
  resolve!: (value: unknown) => void;
  reject!: (reason: unknown) => void;

  constructor(
    readonly id: string,
    readonly input: unknown,
    readonly priority: number,
    readonly taskId: number,
    private readonly link: AbortSink,
    now: number,
  ) {
    this.since = now;
    this.promise = new Promise<unknown>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  /** `ctx.onAbort`'s listener: the task was cancelled or timed out (see `TaskContext.onAbort`). */
  handleAbort(reason: unknown): void {
    this.link.abort(this, reason);
  }
}
