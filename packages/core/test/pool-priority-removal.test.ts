/** Tasks leaving a priority queue without running: evicted by drop-oldest, or cancelled. */
import { describe, expect, it } from 'vitest';
import { isErr, TaskCancelled, type TaskResult } from '@troupe/core';
import { expectConserved } from './support/conservation.js';
import { gatedPool, PRIORITY } from './support/gated-pool.js';
import { rejection } from './support/results.js';

type Result = TaskResult<string>;

describe('overflow drop-oldest', () => {
  it('evicts the oldest task of the lowest non-empty level', async () => {
    const { order, pool, blocked, submitAll, drain } = gatedPool({
      ...PRIORITY,
      capacity: 3,
      overflow: 'drop-oldest',
    });
    const { gate } = await blocked();
    const [m1, l1, l2] = submitAll([
      ['m1', 1],
      ['l1', 0],
      ['l2', 0],
    ]);
    const [t1] = submitAll([['t1', 2]]);
    expect(rejection(await l1!)).toMatchObject({ reason: 'queue-full', taskId: 3 });
    let m = pool.getSnapshot().metrics;
    expect(m).toMatchObject({ dropped: 1, queued: 3 });
    expect(m.levels?.map((l) => l.queued)).toEqual([1, 1, 1]);
    const [t2] = submitAll([['t2', 2]]);
    expect(rejection(await l2!)).toMatchObject({ reason: 'queue-full' });
    const [t3] = submitAll([['t3', 2]]);
    expect(rejection(await m1!)).toMatchObject({ reason: 'queue-full' });
    m = pool.getSnapshot().metrics;
    expect(m).toMatchObject({ dropped: 3, queued: 3, rejected: 0 });
    expect(m.levels?.map((l) => l.queued)).toEqual([0, 0, 3]);
    await drain();
    await Promise.all([gate, t1, t2, t3]);
    expect(order).toEqual(['gate', 't1', 't2', 't3']);
    expectConserved(pool.getSnapshot().metrics);
    await pool.close();
  });

  it('evicts by base level: a raised task is safe, a newcomer of the lowest level goes', async () => {
    const { order, pool, blocked, submitAll, drain } = gatedPool({
      ...PRIORITY,
      capacity: 2,
      overflow: 'drop-oldest',
    });
    const { gate } = await blocked();
    const [a, b] = submitAll([
      ['a', 0],
      ['b', 1],
    ]);
    expect(pool.setPriority('a', 2)).toBe(true);
    const [c] = submitAll([['c', 0]]);
    expect(rejection(await c!)).toMatchObject({ reason: 'queue-full' });
    expect(pool.getSnapshot().metrics).toMatchObject({ dropped: 1, queued: 2 });
    await drain();
    await Promise.all([gate, a, b]);
    expect(order).toEqual(['gate', 'a', 'b']);
    expectConserved(pool.getSnapshot().metrics);
    await pool.close();
  });
});

describe('cancellation while queued', () => {
  it('removes the task: it never runs, the others keep their order', async () => {
    const { order, pool, blocked, drain } = gatedPool(PRIORITY);
    const { gate } = await blocked();
    const controllers = [new AbortController(), new AbortController()];
    const reason = new Error('changed my mind');
    const a = pool.submit('a', { priority: 2 });
    const b = pool.submit('b', { priority: 1, id: 'b', signal: controllers[0]!.signal });
    const c = pool.submit('c', { priority: 0 });
    const raised = pool.submit('raised', { id: 'r', signal: controllers[1]!.signal });
    const d = pool.submit('d', { priority: 1 });
    expect(pool.setPriority('r', 2)).toBe(true);
    controllers[0]!.abort(reason);
    controllers[1]!.abort(reason);
    const cancelled = await b;
    expect(isErr(cancelled) && cancelled.left).toBeInstanceOf(TaskCancelled);
    expect(isErr(cancelled) && cancelled.left.cause).toBe(reason);
    expect(rejection(await raised)).toBe('TaskCancelled');
    const m = pool.getSnapshot().metrics;
    expect(m).toMatchObject({ cancelled: 2, queued: 3, submitted: 6 });
    expect(m.levels?.map((l) => l.queued)).toEqual([1, 1, 1]);
    expectConserved(m);
    expect(pool.setPriority('b', 2)).toBe(false);
    await drain();
    await Promise.all([gate, a, c, d]);
    expect(order).toEqual(['gate', 'a', 'd', 'c']);
    expectConserved(pool.getSnapshot().metrics);
    await pool.close();
  });

  it('keeps arrival order through many cancellations and moves', async () => {
    const { order, pool, blocked, drain } = gatedPool(PRIORITY);
    const { gate } = await blocked();
    // Enough cancellations to make the queue compact its levels; the newest task of each
    // level survives, so a compaction that lost arrival order would show.
    const N = 301;
    const controllers: AbortController[] = [];
    const results: Promise<Result>[] = [];
    for (let i = 0; i < N; i++) {
      const controller = new AbortController();
      controllers.push(controller);
      results.push(pool.submit(`j${i}`, { id: `j${i}`, signal: controller.signal }));
    }
    // Every 3rd task moves to level 1; three in four of all tasks are cancelled; every 9th that
    // is left moves back to level 0, where it keeps its arrival among the others.
    for (let i = 0; i < N; i += 3) expect(pool.setPriority(`j${i}`, 1)).toBe(true);
    const kept = (i: number): boolean => i % 4 === 0;
    for (let i = 0; i < N; i++) if (!kept(i)) controllers[i]!.abort('no');
    for (let i = 0; i < N; i += 9) expect(pool.setPriority(`j${i}`, 0)).toBe(kept(i));
    const survivors = Array.from({ length: N }, (_, i) => i).filter(kept);
    const raisedIds = survivors.filter((i) => i % 3 === 0 && i % 9 !== 0);
    const rest = survivors.filter((i) => !raisedIds.includes(i));
    expect(raisedIds.length).toBeGreaterThan(10);
    expect(pool.getSnapshot().metrics.levels?.map((l) => l.queued)).toEqual([
      rest.length,
      raisedIds.length,
      0,
    ]);
    await drain();
    await Promise.all([gate, ...results]);
    expect(order).toEqual(['gate', ...[...raisedIds, ...rest].map((i) => `j${i}`)]);
    const m = pool.getSnapshot().metrics;
    expect(m).toMatchObject({ cancelled: N - survivors.length, queued: 0 });
    expectConserved(m);
    await pool.close();
  });
});
