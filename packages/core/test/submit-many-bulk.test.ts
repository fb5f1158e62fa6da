/**
 * submitMany without options on a FIFO pool queues the inputs that find no idle worker as one
 * lazy entry: tasks are made as workers take them. Everything a task can meet must still work.
 */
import { describe, expect, it } from 'vitest';
import { createPool, createVirtualClock, isOk } from '@troupe/core';
import { expectConserved } from './support/conservation.js';
import { valueOf } from './support/results.js';

const sleepy = (clock: ReturnType<typeof createVirtualClock>) => (n: number) =>
  new Promise<number>((resolve) => clock.setTimeout(() => resolve(n * 2), 10));

describe('submitMany: the lazily made rest of a call', () => {
  it('counts every input as queued at once, and hands them out in order', async () => {
    const clock = createVirtualClock();
    const started: number[] = [];
    const pool = createPool({
      clock,
      size: 2,
      worker: (n: number) => {
        started.push(n);
        return sleepy(clock)(n);
      },
    }).start();
    await clock.flush();
    const all = pool.submitMany(Array.from({ length: 10 }, (_, i) => i));
    const m = pool.getSnapshot().metrics;
    expect([m.submitted, m.active, m.queued]).toEqual([10, 2, 8]);
    expectConserved(m);
    await clock.advance(100);
    expect((await all).map(valueOf)).toEqual(Array.from({ length: 10 }, (_, i) => i * 2));
    expect(started).toEqual(Array.from({ length: 10 }, (_, i) => i));
    await pool.close();
  });

  it('close({ abort }) cancels the inputs never made into tasks, and the counters conserve', async () => {
    const clock = createVirtualClock();
    const pool = createPool({ clock, size: 1, worker: sleepy(clock) }).start();
    await clock.flush();
    const all = pool.submitMany([1, 2, 3, 4, 5]);
    await clock.advance(10); // the first is done
    await pool.close({ abort: true });
    expect((await all).map(valueOf)).toEqual([
      2,
      'TaskCancelled',
      'TaskCancelled',
      'TaskCancelled',
      'TaskCancelled',
    ]);
    expectConserved(pool.getSnapshot().metrics);
  });

  it('drop-oldest evicts from the front of the lazy rest; that input gets queue-full at its index', async () => {
    const clock = createVirtualClock();
    const pool = createPool({
      clock,
      size: 1,
      queue: { capacity: 3, overflow: 'drop-oldest' },
      worker: sleepy(clock),
    }).start();
    await clock.flush();
    const all = pool.submitMany([1, 2, 3, 4]); // 1 runs, 2..4 fill the queue
    const late = pool.submit(5); // evicts 2
    await clock.advance(100);
    expect((await all).map(valueOf)).toEqual([2, 'TaskRejected', 6, 8]);
    expect(valueOf(await late)).toBe(10);
    expectConserved(pool.getSnapshot().metrics);
    await pool.close();
  });

  it('retries a task made from the lazy rest like any other', async () => {
    const clock = createVirtualClock();
    let failures = 0;
    const pool = createPool({
      clock,
      size: 1,
      retry: { attempts: 2, backoff: { minMs: 1, maxMs: 1, jitter: 0 } },
      worker: (n: number) => {
        if (n === 3 && failures++ === 0) throw new Error('once');
        return n;
      },
    }).start();
    await clock.flush();
    const all = pool.submitMany([1, 2, 3, 4]);
    await clock.advance(10);
    const results = await all;
    expect(results.every(isOk)).toBe(true);
    expect(results.map(valueOf)).toEqual([1, 2, 3, 4]);
    expect(pool.getSnapshot().metrics.retries).toBe(1);
    await pool.close();
  });

  it('a dynamic pool grows for the lazy rest at once', async () => {
    const clock = createVirtualClock();
    const pool = createPool({
      clock,
      size: { min: 1, max: 5, idleTimeoutMs: 50 },
      worker: sleepy(clock),
    }).start();
    await clock.flush();
    const all = pool.submitMany(Array.from({ length: 20 }, (_, i) => i));
    await clock.flush();
    expect(pool.getSnapshot().size).toBe(5);
    await clock.advance(200);
    expect((await all).every(isOk)).toBe(true);
    await pool.close();
  });
});

describe('submitMany: the caller’s array', () => {
  it('changing the array after the call changes nothing that runs', async () => {
    const clock = createVirtualClock();
    const pool = createPool({ clock, size: 1, worker: sleepy(clock) }).start();
    await clock.flush();
    const inputs = [1, 2, 3];
    const all = pool.submitMany(inputs);
    inputs[2] = 100;
    inputs.length = 1;
    await clock.advance(100);
    expect((await all).map(valueOf)).toEqual([2, 4, 6]);
    await pool.close();
  });
});
