/**
 * A producer pool (`fromBullmq`) and a consumer host (`serveBullmq`) in one process, through a
 * real Redis: values, every `TaskError` tag with its cause, priorities, cancellation of waiting
 * and running jobs, producer timeouts, the consumers' metrics.
 *
 * Real time, not the virtual clock: jobs go through a real Redis server and BullMQ's own timers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { from, lastValueFrom, toArray } from 'rxjs';
import { createPool, createSystem, fromAsync, type TaskResult } from '@troupe/core';
import {
  consumerMetrics,
  fromBullmq,
  serveBullmq,
  type BullmqHost,
  type ConsumerMetrics,
} from '@troupe/bullmq';
import { queueName, startRedis, type RedisServer } from './support/redis-server.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

type Job = { op: 'double' | 'throw' | 'hang' | 'wait'; n: number };

/** A consumer whose pool runs `Job`s; `aborted` collects the `n` of runs whose signal aborted. */
function consumer(queue: string, aborted: number[] = [], size = 2, timeoutMs?: number): BullmqHost {
  const pool = createPool({
    worker: fromAsync({
      run: async (job: Job, { signal }) => {
        if (job.op === 'double') return job.n * 2;
        if (job.op === 'throw') throw new RangeError(`bad ${job.n}`);
        return new Promise<number>((resolve, reject) => {
          const timer = job.op === 'wait' ? setTimeout(() => resolve(job.n), 150) : undefined;
          signal.addEventListener('abort', () => {
            clearTimeout(timer);
            aborted.push(job.n);
            reject(signal.reason as Error);
          });
        });
      },
    }),
    size,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
  return serveBullmq({ queue, connection: redis.connection, pool }).start();
}

function producer(queue: string, extra: { prioritized?: boolean; size?: number } = {}) {
  return createPool({
    worker: fromBullmq<Job, number>({
      queue,
      connection: redis.connection,
      ...(extra.prioritized === undefined ? {} : { prioritized: extra.prioritized }),
    }),
    size: extra.size ?? 8,
    queue: { kind: 'priority', levels: 3 },
  }).start();
}

const tagOf = (r: TaskResult<number>) => (r._tag === 'Right' ? r.right : r.left._tag);

describe('fromBullmq and serveBullmq through Redis', () => {
  it('carries values, and failures with their tag and cause', async () => {
    const queue = queueName('round-trip');
    const host = consumer(queue, [], 2, 100);
    const pool = producer(queue);
    const results = await Promise.all([
      pool.submit({ op: 'double', n: 21 }),
      pool.submit({ op: 'throw', n: 7 }),
      pool.submit({ op: 'hang', n: 1 }),
    ]);
    expect(tagOf(results[0])).toBe(42);
    const failed = results[1];
    expect(failed._tag === 'Left' && failed.left._tag).toBe('TaskFailed');
    if (failed._tag === 'Left') {
      expect((failed.left.cause as Error).name).toBe('RangeError');
      expect((failed.left.cause as Error).message).toBe('bad 7');
    }
    // The consumer pool's own timeout: the producer sees TaskTimedOut, as the consumer did.
    expect(tagOf(results[2])).toBe('TaskTimedOut');
    // An input JSON cannot carry is refused before it leaves.
    const refused = await pool.submit({ op: 'double', n: 1n as unknown as number });
    expect(refused._tag === 'Left' && refused.left._tag).toBe('TaskRejected');
    const m = pool.getSnapshot().metrics;
    expect([m.completed, m.failed, m.timedOut]).toEqual([1, 1, 1]);
    await pool.close();
    await host.close();
  });

  it('cancels a waiting job by removing it, and a running one through its signal', async () => {
    const queue = queueName('cancel');
    const pool = producer(queue);
    // No consumer yet: the job waits in Redis.
    const waiting = new AbortController();
    const first = pool.submit({ op: 'double', n: 1 }, { signal: waiting.signal });
    await new Promise((resolve) => setTimeout(resolve, 100));
    waiting.abort(new Error('not wanted'));
    expect(tagOf(await first)).toBe('TaskCancelled');
    const inspect = new Queue(queue, { connection: redis.connection });
    await expect
      .poll(async () => (await inspect.getJobCounts('wait')).wait, { timeout: 2_000 })
      .toBe(0);

    const aborted: number[] = [];
    const host = consumer(queue, aborted);
    await host.ready;
    const running = new AbortController();
    const second = pool.submit({ op: 'hang', n: 2 }, { signal: running.signal });
    await expect.poll(async () => (await inspect.getJobCounts('active')).active).toBe(1);
    running.abort(new Error('stop it'));
    expect(tagOf(await second)).toBe('TaskCancelled');
    await expect.poll(() => aborted).toEqual([2]);
    // A producer timeout stops the run on the consumer too.
    const timed = await pool.submit({ op: 'hang', n: 3 }, { timeoutMs: 200 });
    expect(tagOf(timed)).toBe('TaskTimedOut');
    await expect.poll(() => aborted).toEqual([2, 3]);
    await inspect.close();
    await pool.close();
    await host.close();
  });

  it('hands priorities on: a consumer takes the higher levels first', async () => {
    const queue = queueName('priority');
    const pool = producer(queue, { prioritized: true, size: 16 });
    const order: number[] = [];
    const pending = [0, 1, 2, 0, 2, 1].map((priority, i) =>
      pool.submit({ op: 'double', n: priority * 10 + i }, { priority }).then((r) => {
        if (r._tag === 'Right') order.push(Math.floor(r.right / 20));
      }),
    );
    const inspect = new Queue(queue, { connection: redis.connection });
    await expect.poll(async () => (await inspect.getJobCounts('prioritized')).prioritized).toBe(6);
    const host = consumer(queue, [], 1);
    await Promise.all(pending);
    expect(order).toEqual([2, 2, 1, 1, 0, 0]);
    await inspect.close();
    await pool.close();
    await host.close();
  });

  it("publishes each consumer's metrics for the producer side, and drops a host that closed", async () => {
    const queue = queueName('metrics');
    const emissions: ConsumerMetrics[] = [];
    const watching = consumerMetrics({ queue, connection: redis.connection }).subscribe((m) =>
      emissions.push(m),
    );
    const host = (name: string) =>
      serveBullmq({
        queue,
        connection: redis.connection,
        name,
        pool: createPool({ worker: (j: Job) => j.n, size: 1, metrics: { intervalMs: 50 } }),
      }).start();
    const [a, b] = [host('host-a'), host('host-b')];
    const pool = producer(queue);
    await Promise.all([1, 2, 3, 4].map((n) => pool.submit({ op: 'double', n })));
    const latest = () => emissions[emissions.length - 1];
    await expect.poll(() => latest()?.total.completed).toBe(4);
    expect(Object.keys(latest()!.members).sort()).toEqual(['host-a', 'host-b']);
    await a.close();
    await expect.poll(() => Object.keys(latest()!.members)).toEqual(['host-b']);
    await b.close();
    await pool.close();
    watching.unsubscribe();
  });

  it('is a pool entry of a system like any other: balanced with a local pool, a pipeline stage', async () => {
    const queue = queueName('system');
    const host = consumer(queue);
    const system = createSystem({
      pools: {
        remote: {
          worker: fromBullmq<Job, number>({ queue, connection: redis.connection }),
          size: 4,
        },
        local: { worker: (job: Job) => job.n * 2, size: 1 },
        inc: { worker: (n: number) => n + 1, size: 1 },
      },
      balancers: { doubler: { pools: ['remote', 'local'], strategy: 'round-robin' } },
      pipelines: { doubleThenInc: ['remote', 'inc'] },
    });
    await system.start();
    const doubled = await Promise.all(
      [1, 2, 3, 4].map((n) => system.balancer('doubler').run({ op: 'double', n })),
    );
    expect(doubled).toEqual([2, 4, 6, 8]);
    expect(system.pool('remote').getSnapshot().metrics.completed).toBe(2);
    const piped = await lastValueFrom(
      system
        .pipeline('doubleThenInc')
        .process(from([{ op: 'double' as const, n: 5 }]))
        .pipe(toArray()),
    );
    expect(piped.map((o) => (o._tag === 'Right' ? o.right : o.left))).toEqual([11]);
    await system.close();
    await host.close();
  });
});
