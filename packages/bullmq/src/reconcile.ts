import { Job, type Queue } from 'bullmq';
import type { PendingJob } from './pending-job.js';

/** What a look-up needs of the producer's link (a `ProducerLink`). */
export interface ReconcileTarget {
  readonly queue: Queue;
  /** Whether `job` still waits for its end. */
  isPending(job: PendingJob): boolean;
  /** Adds the job (again). */
  add(job: PendingJob): void;
  /** Settles the job's task with its end. */
  settle(jobId: string, completed: boolean, value: unknown): void;
}

/**
 * Looks a pending job up in Redis, for when its end may have been missed: finished, it settles
 * from what Redis kept; gone (removed, or lost with a Redis that restarted empty), it is added
 * again — the same id, so a job that is still there is not added twice; waiting or running, it
 * is left to its events. A failed look-up is left to the next check.
 */
export function reconcileJob(link: ReconcileTarget, job: PendingJob): void {
  void look(link, job).catch(() => undefined);
}

async function look(link: ReconcileTarget, job: PendingJob): Promise<void> {
  const state = await link.queue.getJobState(job.id);
  if (!link.isPending(job)) return;
  if (state === 'unknown') return link.add(job);
  if (state !== 'completed' && state !== 'failed') return;
  const found = await Job.fromId(link.queue, job.id);
  if (!link.isPending(job)) return;
  if (found === undefined) return link.add(job);
  if (state === 'completed') link.settle(job.id, true, found.returnvalue);
  else link.settle(job.id, false, found.failedReason);
}
