/** Waiting for room without `through`: `onSizeLessThan(n)`, `onEmpty()`, `queueSize`, `pending`. */
import { describe, expect, it } from 'vitest';
import { InvalidOptionError, isOk } from '@troupe/core';
import { expectConserved } from './support/conservation.js';
import { timedPool } from './support/timed-worker.js';

describe('queueSize and pending', () => {
  it('count tasks not started and tasks running, without a snapshot', async () => {
    const { pool, clock } = timedPool({ size: 2, queue: { capacity: 2, overflow: 'wait' } });
    pool.start();
    await clock.flush();
    expect([pool.queueSize, pool.pending]).toEqual([0, 0]);
    const all = [10, 10, 10, 10, 10].map((ms) => pool.submit(ms));
    // 2 running, 2 queued, 1 waiting for room.
    expect([pool.queueSize, pool.pending]).toEqual([3, 2]);
    await clock.advance(10);
    expect([pool.queueSize, pool.pending]).toEqual([1, 2]);
    await clock.advance(20);
    expect((await Promise.all(all)).every(isOk)).toBe(true);
    expect([pool.queueSize, pool.pending]).toEqual([0, 0]);
    await pool.close();
  });
});

describe('onSizeLessThan(n)', () => {
  it('resolves at once when the queue is already smaller, else once it shrinks below n', async () => {
    const { pool, clock } = timedPool({ size: 1 });
    pool.start();
    await clock.flush();
    await pool.onSizeLessThan(1);
    const all = [10, 10, 10, 10].map((ms) => pool.submit(ms)); // 1 running, 3 queued
    const seen: string[] = [];
    void pool.onSizeLessThan(3).then(() => seen.push(`<3 at ${clock.now()}`));
    void pool.onSizeLessThan(2).then(() => seen.push(`<2 at ${clock.now()}`));
    void pool.onEmpty().then(() => seen.push(`empty at ${clock.now()}`));
    await clock.advance(100);
    expect(seen).toEqual(['<3 at 10', '<2 at 20', 'empty at 30']);
    await Promise.all(all);
    await pool.close();
  });

  it('resolves when queued tasks are cancelled or cleared', async () => {
    const { pool, clock } = timedPool({ size: 1 });
    pool.start();
    await clock.flush();
    void pool.submit(1_000);
    const controller = new AbortController();
    void pool.submit(1, { signal: controller.signal });
    void pool.submit(1);
    let below2 = false;
    let empty = false;
    void pool.onSizeLessThan(2).then(() => (below2 = true));
    void pool.onEmpty().then(() => (empty = true));
    controller.abort();
    await clock.advance(0);
    expect([below2, empty]).toEqual([true, false]);
    pool.clear();
    await clock.advance(0);
    expect(empty).toBe(true);
    await pool.close({ abort: true });
  });

  it('lets a producer apply backpressure: the queue never passes the bound', async () => {
    const { pool, clock } = timedPool({ size: 2, queue: { capacity: 1_000 } });
    pool.start();
    await clock.flush();
    let most = 0;
    const results: Promise<unknown>[] = [];
    const producer = (async () => {
      for (let i = 0; i < 50; i++) {
        await pool.onSizeLessThan(5);
        results.push(pool.submit(1 + (i % 3)));
        most = Math.max(most, pool.queueSize);
      }
    })();
    for (let t = 0; t < 200; t++) await clock.advance(1);
    await producer;
    await Promise.all(results);
    // It waits for fewer than 5, then adds one: the queue reaches 5 and never more.
    expect(most).toBe(5);
    expectConserved(pool.getSnapshot().metrics);
    await pool.close();
  });

  it('refuses a bound below 1', () => {
    const { pool } = timedPool();
    expect(() => pool.onSizeLessThan(0)).toThrow(InvalidOptionError);
    expect(() => pool.onSizeLessThan(Number.NaN)).toThrow(InvalidOptionError);
  });
});
