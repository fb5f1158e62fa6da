/**
 * A Redis outage as the producer's pool sees it: `redis$` says `down`; a task submitted while
 * Redis is away waits for it up to `outageWaitMs`, then fails `TaskFailed` with a
 * `RedisUnavailableError` that says so; once Redis is back (`up`), tasks go through again.
 *
 * Real time, not the virtual clock: a real Redis server stopped and started again, and
 * ioredis's own reconnection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { createPool } from '@troupe/core';
import { fromBullmq, RedisUnavailableError, serveBullmq } from '@troupe/bullmq';
import { queueName, startRedis, type RedisServer } from './support/redis-server.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

describe('a Redis outage', () => {
  it('bounds the wait of new tasks, says so, and recovers when Redis is back', async () => {
    const queue = queueName('outage');
    const worker = fromBullmq<number, number>({
      queue,
      connection: redis.connection,
      outageWaitMs: 1_000,
    });
    const seen: string[] = [];
    worker.redis$.subscribe((status) => seen.push(status.type));
    const pool = createPool({ worker, size: 2 }).start();
    // The link is up once a job went through (no consumer yet: it waits in Redis).
    const inspect = new Queue(queue, { connection: redis.connection });
    const before = pool.submit(1);
    await expect.poll(async () => (await inspect.getJobCounts('wait')).wait).toBe(1);

    const restarting = redis.restart(2_500);
    await expect.poll(() => seen).toEqual(['down']);
    const t0 = Date.now();
    const during = await pool.submit(2);
    expect(during._tag === 'Left' && during.left._tag).toBe('TaskFailed');
    if (during._tag === 'Left') {
      expect(during.left.cause).toBeInstanceOf(RedisUnavailableError);
      expect((during.left.cause as Error).message).toMatch(/Redis was unreachable for \d+ ms/);
    }
    expect(Date.now() - t0).toBeLessThan(2_500);
    await restarting;
    await expect.poll(() => seen, { timeout: 10_000 }).toEqual(['down', 'up']);

    // Redis restarted empty: the job that waited in it is added again, and runs.
    const host = serveBullmq({
      queue,
      connection: redis.connection,
      pool: createPool({ worker: (n: number) => n * 10, size: 1 }),
    }).start();
    expect(await before).toEqual({ _tag: 'Right', right: 10 });
    expect(await pool.submit(3)).toEqual({ _tag: 'Right', right: 30 });
    await inspect.close();
    await host.close();
    await pool.close();
  }, 30_000);
});
