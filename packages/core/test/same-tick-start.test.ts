/** A task submitted to a free worker starts in the same tick; one submitted while workers start goes to the first ready. */
import { describe, expect, it } from 'vitest';
import { createPool, createVirtualClock, fromAsync, isOk } from '@troupe/core';
import { timedPool } from './support/timed-worker.js';

describe('start latency', () => {
  it('a submit to a running pool with an idle worker starts synchronously', async () => {
    const { pool, clock, started } = timedPool({ size: 2 });
    pool.start();
    await clock.flush();
    const result = pool.submit(10);
    expect(started).toEqual([10]);
    expect(pool.pending).toBe(1);
    expect(pool.queueSize).toBe(0);
    const many = pool.submitMany([1, 2]);
    expect(started).toEqual([10, 1]);
    expect([pool.pending, pool.queueSize]).toEqual([2, 1]);
    await clock.advance(10);
    expect(isOk(await result)).toBe(true);
    expect((await many).every(isOk)).toBe(true);
    await pool.close();
  });

  it('a task submitted while workers are starting goes to the first worker the moment it is ready', async () => {
    const clock = createVirtualClock();
    const setupMs = [300, 100, 200];
    const ready: string[] = [];
    let worker = 0;
    const ranOn: { task: number; on: number; at: number }[] = [];
    const pool = createPool({
      clock,
      size: 3,
      worker: fromAsync({
        setup: () => {
          const me = worker++;
          return new Promise<number>((resolve) =>
            clock.setTimeout(() => resolve(me), setupMs[me]!),
          );
        },
        run: (task: number, { resource }) => {
          ranOn.push({ task, on: resource, at: clock.now() });
          return new Promise<number>((resolve) => clock.setTimeout(() => resolve(task), 1_000));
        },
      }),
    });
    pool.events$.subscribe((e) => e.type === 'worker.started' && ready.push(e.workerId));
    pool.start();
    expect(pool.getSnapshot().state).toBe('starting');
    const first = pool.submit(1);
    const second = pool.submit(2);
    expect([pool.queueSize, pool.pending]).toEqual([2, 0]);
    await clock.advance(100);
    // The worker whose setup ends first (100 ms) takes the first task then, not later.
    expect(ranOn).toEqual([{ task: 1, on: 1, at: 100 }]);
    expect(pool.pending).toBe(1);
    await clock.advance(100);
    expect(ranOn[1]).toEqual({ task: 2, on: 2, at: 200 });
    await clock.advance(1_000);
    expect(isOk(await first) && isOk(await second)).toBe(true);
    await pool.close();
  });
});
