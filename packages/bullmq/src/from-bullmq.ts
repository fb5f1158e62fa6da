import type { WorkerLogic } from '@troupe/core';
import { Subject, type Observable } from 'rxjs';
import { ProducerLink } from './producer-link.js';
import { resolveProducerOptions, type BullmqProducerOptions } from './producer-options.js';
import type { RedisStatus } from './redis-status.js';

/** Worker logic whose tasks run on the consumers of a BullMQ queue; and its Redis status. */
export interface BullmqLogic<TInput, TOutput> extends WorkerLogic<TInput, TOutput, ProducerLink> {
  /** `down` when the producer's Redis connection closes, `up` when it is back; never completes. */
  readonly redis$: Observable<RedisStatus>;
}

/**
 * Adapts a BullMQ queue into worker logic: each task of the pool is a job in the queue, run by
 * whichever consumer (`serveBullmq`, in any process on any machine) takes it, and its outcome
 * comes back as the pool's `Either` — a value, or the `TaskError` it ended with there (its tag
 * kept; its cause's name and message carried). The pool's `size` (times `concurrency`) bounds
 * the jobs in flight; its queue holds the rest. Inputs and outputs travel as JSON.
 *
 * Delivery is at-least-once, as BullMQ's is: a job whose consumer dies while running it is run
 * again by another (up to the consumers' `maxStalled`), so tasks must be idempotent. A task
 * cancelled or timed out on the producer settles at once; its job is removed if it still waits
 * and its consumer is told (Pub/Sub) to abort it if it runs. While Redis is down new jobs wait
 * up to `outageWaitMs`, jobs in flight are looked up again on reconnection (and re-added if
 * Redis lost them), and `redis$` says so.
 *
 * @example
 * const pool = createPool({
 *   worker: fromBullmq<Image, Thumb>({ queue: 'thumbs', connection: { host: 'redis', port: 6379 } }),
 *   size: 64,
 * }).start();
 * const thumb = await pool.submit(image, { timeoutMs: 30_000 });
 */
export function fromBullmq<TInput, TOutput>(
  options: BullmqProducerOptions,
): BullmqLogic<TInput, TOutput> {
  const config = resolveProducerOptions(options);
  const redis$ = new Subject<RedisStatus>();
  const report = (status: RedisStatus): void => redis$.next(status);
  // One link for all the pool's workers, opened by the first setup, closed by the last teardown.
  let shared: { link: Promise<ProducerLink>; users: number } | undefined;
  return {
    kind: 'bullmq',
    concurrency: config.concurrency,
    answersOnce: true,
    forwardsTaskErrors: true,
    redis$: redis$.asObservable(),
    setup: async () => {
      const current = (shared ??= { link: ProducerLink.open(config, report), users: 0 });
      current.users++;
      try {
        return await current.link;
      } catch (error) {
        if (--current.users === 0 && shared === current) shared = undefined;
        throw error;
      }
    },
    run: (input, ctx) => ctx.resource.run(input, ctx) as Promise<TOutput>,
    teardown: async (link) => {
      const current = shared;
      if (current === undefined || --current.users > 0) return;
      shared = undefined;
      await link.close();
    },
  };
}
