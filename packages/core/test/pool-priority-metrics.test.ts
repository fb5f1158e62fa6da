/** The metrics of a priority pool: per-level gauges and waits, and counters that conserve. */
import { describe, expect, it } from 'vitest';
import { isErr } from '@troupe/core';
import { expectConserved } from './support/conservation.js';
import { gatedPool, PRIORITY } from './support/gated-pool.js';

describe('per-level metrics', () => {
  it('counts queued tasks per base level, and their waits per level after they start', async () => {
    const { clock, pool, blocked, submitAll, drain } = gatedPool(PRIORITY);
    const { gate } = await blocked();
    const results = submitAll([
      ['a', 0],
      ['b', 0],
      ['c', 1],
      ['d', 2],
      ['e', 2],
      ['f', 2],
    ]);
    await clock.advance(1_000);
    let m = pool.getSnapshot().metrics;
    expect(m.queued).toBe(6);
    expect(m.levels?.map((l) => l.level)).toEqual([0, 1, 2]);
    expect(m.levels?.map((l) => l.queued)).toEqual([2, 1, 3]);
    expect(m.levels?.map((l) => l.wait.count)).toEqual([1, 0, 0]); // the gate started
    await drain();
    await Promise.all([gate, ...results]);
    m = pool.getSnapshot().metrics;
    expect(m.levels?.map((l) => l.queued)).toEqual([0, 0, 0]);
    expect(m.levels?.map((l) => l.wait.count)).toEqual([3, 1, 3]);
    expect(m.levels?.map((l) => l.wait.max)).toEqual([1_000, 1_000, 1_000]);
    expect(m.levels?.[1]?.wait.p50).toBeGreaterThanOrEqual(1_000);
    expect(m.queueWait.count).toBe(7);
    expectConserved(m);
    await pool.close();
  });

  it('records a wait under the level the task had when it started', async () => {
    const { clock, pool, blocked, submitAll, drain } = gatedPool(PRIORITY);
    const { gate } = await blocked();
    const results = submitAll([
      ['x', 0],
      ['y', 1],
    ]);
    await clock.advance(500);
    expect(pool.setPriority('x', 2)).toBe(true);
    expect(pool.getSnapshot().metrics.levels?.map((l) => l.queued)).toEqual([0, 1, 1]);
    await drain();
    await Promise.all([gate, ...results]);
    const levels = pool.getSnapshot().metrics.levels;
    expect(levels?.map((l) => l.wait.count)).toEqual([1, 1, 1]);
    expect(levels?.[0]?.wait.max).toBe(0); // only the gate
    expect(levels?.[2]?.wait.max).toBe(500);
    await pool.close();
  });

  it('is absent on FIFO pools', async () => {
    const { pool, blocked, drain } = gatedPool({});
    const { gate } = await blocked();
    const queued = pool.submit('q');
    const m = pool.getSnapshot().metrics;
    expect(m.queued).toBe(1);
    expect(m.levels).toBeUndefined();
    expect('levels' in m).toBe(false);
    await drain();
    await Promise.all([gate, queued]);
    await pool.close();
  });
});

describe('conservation', () => {
  it('holds at the end of a mixed run: completed, failed, cancelled, dropped, rejected', async () => {
    const { pool, blocked, drain } = gatedPool({
      ...PRIORITY,
      capacity: 5,
      overflow: 'drop-oldest',
    });
    const { gate } = await blocked();
    const controller = new AbortController();
    const results = [
      pool.submit('a', { priority: 2 }),
      pool.submit('fail-b', { priority: 1 }),
      pool.submit('c', { priority: 0, signal: controller.signal }),
      pool.submit('d', { priority: 0 }),
      pool.submit('e', { priority: 1 }),
      pool.submit('f', { priority: 2 }), // the queue is full: drops c
      pool.submit('g', { priority: 5 }), // rejected at the door
      pool.submit('h', { priority: 2 }), // drops d
    ];
    controller.abort('too late: already dropped');
    expectConserved(pool.getSnapshot().metrics);
    await drain();
    const tags = (await Promise.all([gate, ...results])).map((r) =>
      isErr(r) ? r.left._tag : 'ok',
    );
    expect(tags).toEqual([
      'ok',
      'ok',
      'TaskFailed',
      'TaskRejected',
      'TaskRejected',
      'ok',
      'ok',
      'TaskRejected',
      'ok',
    ]);
    const m = pool.getSnapshot().metrics;
    expect(m).toMatchObject({
      submitted: 8,
      completed: 5,
      failed: 1,
      cancelled: 0,
      dropped: 2,
      rejected: 1,
      queued: 0,
      active: 0,
    });
    expectConserved(m);
    await pool.close();
    expectConserved(pool.getSnapshot().metrics);
  });
});
