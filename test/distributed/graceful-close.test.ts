/**
 * A consumer host's `close()` is graceful: it takes no new job, waits for the jobs running on
 * it to finish (their results reach the producer), and only then resolves; what it did not
 * take waits in Redis for another consumer. `close({ timeoutMs })` bounds the wait.
 *
 * Real time, not the virtual clock: a real Redis server and BullMQ's own timers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { createPool, type TaskResult } from '@troupe/core';
import { fromBullmq, serveBullmq } from '@troupe/bullmq';
import { queueName, startRedis, type RedisServer } from './support/redis-server.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

/** A host whose tasks take `ms`, recording the inputs it started and finished. */
function host(queue: string, ms: number, started: number[], finished: number[]) {
  return serveBullmq({
    queue,
    connection: redis.connection,
    pool: createPool({
      worker: async (n: number) => {
        started.push(n);
        await new Promise((resolve) => setTimeout(resolve, ms));
        finished.push(n);
        return n;
      },
      size: 2,
    }),
  }).start();
}

describe('serveBullmq close', () => {
  it('finishes the jobs it runs, takes no new one, and leaves the rest for others', async () => {
    const queue = queueName('graceful');
    const pool = createPool({
      worker: fromBullmq<number, number>({ queue, connection: redis.connection }),
      size: 8,
    }).start();
    const started: number[] = [];
    const finished: number[] = [];
    const first = host(queue, 300, started, finished);
    await first.ready;
    const settled: number[] = [];
    const results = [1, 2, 3, 4, 5, 6].map((n) =>
      pool.submit(n).then((r: TaskResult<number>) => {
        if (r._tag === 'Right') settled.push(r.right);
        return r;
      }),
    );
    await expect.poll(() => started.length).toBe(2);
    await first.close();
    // Both jobs it was running finished before close resolved, and their results came back.
    expect(finished.sort()).toEqual(started.sort());
    await expect.poll(() => settled.length).toBe(2);
    expect(started).toHaveLength(2);
    const inspect = new Queue(queue, { connection: redis.connection });
    expect((await inspect.getJobCounts('wait')).wait).toBe(4);
    // Another consumer takes the rest.
    const second = host(queue, 10, [], []);
    expect((await Promise.all(results)).map((r) => r._tag)).toEqual(Array(6).fill('Right'));
    await inspect.close();
    await second.close();
    await pool.close();
  });

  it('past timeoutMs, cancels the jobs still running and closes', async () => {
    const queue = queueName('bounded');
    const pool = createPool({
      worker: fromBullmq<number, number>({ queue, connection: redis.connection }),
      size: 2,
    }).start();
    const stuck = serveBullmq({
      queue,
      connection: redis.connection,
      pool: createPool({
        worker: (_: number, { signal }) =>
          new Promise<number>((_resolve, reject) =>
            signal.addEventListener('abort', () => reject(signal.reason as Error)),
          ),
        size: 1,
      }),
    }).start();
    const result = pool.submit(1);
    const inspect = new Queue(queue, { connection: redis.connection });
    await expect.poll(async () => (await inspect.getJobCounts('active')).active).toBe(1);
    const t0 = Date.now();
    await stuck.close({ timeoutMs: 200 });
    expect(Date.now() - t0).toBeLessThan(5_000);
    const r = await result;
    expect(r._tag === 'Left' && r.left._tag).toBe('TaskCancelled');
    await inspect.close();
    await pool.close();
  });
});
