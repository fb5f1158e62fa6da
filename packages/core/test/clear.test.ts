/** `clear()`: cancels every task not yet started, with a count; running tasks go on. */
import { describe, expect, it } from 'vitest';
import {
  createPool,
  createVirtualClock,
  isErr,
  isOk,
  PoolClearedError,
  type TaskResult,
} from '@troupe/core';
import { expectConserved } from './support/conservation.js';
import { timedPool } from './support/timed-worker.js';

const cause = (r: TaskResult<unknown>): unknown =>
  isErr(r) && r.left._tag === 'TaskCancelled' ? r.left.cause : undefined;

describe('clear()', () => {
  it('cancels queued tasks with TaskCancelled (cause PoolClearedError), returns the count, leaves running ones', async () => {
    const { pool, clock, started } = timedPool({ size: 1 });
    pool.start();
    await clock.flush();
    const running = pool.submit(100);
    const queued = [pool.submit(1), pool.submit(2), pool.run(3)];
    expect(pool.clear()).toBe(3);
    expect(pool.queueSize).toBe(0);
    expect(pool.pending).toBe(1);
    const [a, b] = await Promise.all(queued.slice(0, 2) as Promise<TaskResult<number>>[]);
    expect(cause(a!)).toBeInstanceOf(PoolClearedError);
    expect(cause(b!)).toBeInstanceOf(PoolClearedError);
    await expect(queued[2]).rejects.toMatchObject({ _tag: 'TaskCancelled' });
    await clock.advance(100);
    expect(isOk(await running)).toBe(true);
    expect(started).toEqual([100]);
    const m = pool.getSnapshot().metrics;
    expect([m.completed, m.cancelled]).toEqual([1, 3]);
    expectConserved(m);
    expect(pool.clear()).toBe(0);
    await pool.close();
  });

  it('cancels submits waiting for room (overflow wait) and tasks waiting out a retry delay', async () => {
    const clock = createVirtualClock();
    const pool = createPool({
      clock,
      size: 1,
      queue: { capacity: 1, overflow: 'wait' },
      retry: { attempts: 3, backoff: { minMs: 1_000, maxMs: 1_000, jitter: 0 } },
      worker: (ms: number) =>
        ms < 0
          ? Promise.reject(new Error('flaky'))
          : new Promise<number>((resolve) => clock.setTimeout(() => resolve(ms), ms)),
    }).start();
    await clock.flush();
    const flaky = pool.submit(-1); // fails at once, waits 1 s for its retry
    await clock.advance(0);
    expect(pool.getSnapshot().metrics.retrying).toBe(1);
    const running = pool.submit(100);
    const queued = pool.submit(1);
    const waiting = pool.submit(2); // the queue (capacity 1) is full: waits for room
    expect(pool.getSnapshot().metrics.waiting).toBe(1);
    expect(pool.queueSize).toBe(2);
    expect(pool.clear()).toBe(3);
    for (const r of await Promise.all([flaky, queued, waiting]))
      expect(cause(r)).toBeInstanceOf(PoolClearedError);
    await clock.advance(2_000);
    expect(isOk(await running)).toBe(true);
    const m = pool.getSnapshot().metrics;
    expect([m.completed, m.cancelled, m.retrying, m.waiting, m.queued]).toEqual([1, 3, 0, 0, 0]);
    expectConserved(m);
    await pool.close();
  });

  it('leaves no rate-limit wake-up armed once the queue is cleared', async () => {
    const { pool, clock } = timedPool({ size: 2, rate: { limit: 1, intervalMs: 10_000 } });
    pool.start();
    await clock.flush();
    const all = [1, 1, 1].map((ms) => pool.submit(ms)); // one starts, two wait for the limit
    await clock.advance(1);
    expect(clock.pending()).toBe(1); // the wake-up
    expect(pool.clear()).toBe(2);
    expect(clock.pending()).toBe(0);
    expect((await Promise.all(all)).filter(isOk)).toHaveLength(1);
    await pool.close();
  });

  it('cancels the queue of a paused pool; submits after it run once resumed', async () => {
    const { pool, clock, started } = timedPool({ size: 2 });
    pool.start().pause();
    await clock.flush();
    const cleared = Array.from({ length: 5 }, () => pool.submit(1));
    expect(pool.clear()).toBe(5);
    expect((await Promise.all(cleared)).every(isErr)).toBe(true);
    const later = pool.submit(7);
    pool.resume();
    await clock.advance(7);
    expect(isOk(await later)).toBe(true);
    expect(started).toEqual([7]);
    expectConserved(pool.getSnapshot().metrics);
    await pool.close();
  });
});
