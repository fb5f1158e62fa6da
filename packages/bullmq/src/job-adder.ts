import type { JobsOptions, Queue } from 'bullmq';
import type { PendingJob } from './pending-job.js';
import { JOB_NAME } from './wire.js';

/** BullMQ's highest priority number (its lowest priority). */
const LOWEST = 2_097_151;
/** Most jobs one `addBulk` carries. */
const MAX_BATCH = 1_000;

/** What the adder tells its link of each job. */
export interface AddOutcome {
  added(job: PendingJob): void;
  addFailed(job: PendingJob, error: unknown): void;
}

/**
 * Adds pending jobs to the queue, those of one microtask burst (a `submitMany`, a pool's
 * workers taking a backlog) together in one `queue.addBulk` — one round trip, one transaction —
 * and a lone one with `queue.add`. A bulk refused for another reason than the connection (an
 * input JSON cannot carry) is added again job by job, so only the bad input fails.
 */
export class JobAdder {
  #batch: PendingJob[] | undefined;

  constructor(
    private readonly queue: Queue,
    private readonly prioritized: boolean,
    private readonly outcome: AddOutcome,
    private readonly isConnectionError: (error: unknown) => boolean,
  ) {}

  add(job: PendingJob): void {
    if (this.#batch === undefined) {
      this.#batch = [job];
      queueMicrotask(() => this.#flush());
    } else {
      this.#batch.push(job);
      if (this.#batch.length >= MAX_BATCH) this.#flush();
    }
  }

  #flush(): void {
    const jobs = this.#batch;
    this.#batch = undefined;
    if (jobs === undefined || jobs.length === 0) return;
    if (jobs.length === 1) return this.#one(jobs[0]!);
    this.queue
      .addBulk(jobs.map((job) => ({ name: JOB_NAME, data: job.input, opts: this.#options(job) })))
      .then(
        () => {
          for (const job of jobs) this.outcome.added(job);
        },
        (error: unknown) => {
          if (this.isConnectionError(error))
            for (const job of jobs) this.outcome.addFailed(job, error);
          else for (const job of jobs) this.#one(job);
        },
      );
  }

  #one(job: PendingJob): void {
    this.queue.add(JOB_NAME, job.input, this.#options(job)).then(
      () => this.outcome.added(job),
      (error: unknown) => this.outcome.addFailed(job, error),
    );
  }

  #options(job: PendingJob): JobsOptions {
    return this.prioritized
      ? { jobId: job.id, priority: LOWEST - job.priority }
      : { jobId: job.id };
  }
}
