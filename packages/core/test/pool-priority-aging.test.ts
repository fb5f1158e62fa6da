/** Aging on the priority queue (`queue.aging.everyMs`): a waiting task rises a level at a time. */
import { describe, expect, it } from 'vitest';
import { createPool, createVirtualClock, isErr, type QueueOptions } from '@troupe/core';
import { expectConserved } from './support/conservation.js';
import { gatedPool, PRIORITY } from './support/gated-pool.js';

describe('aging', () => {
  const STEP_MS = 25;
  const RUN_MS = 50;

  /**
   * A top task runs at once, then a low task queues, then a top task arrives every 25 ms while
   * each task runs 50 ms: the top level is never empty. Returns the start order and times.
   */
  async function stream(queue: QueueOptions) {
    const clock = createVirtualClock();
    const started = new Map<string, number>();
    const pool = createPool({
      worker: (job: string) => {
        started.set(job, clock.now());
        return new Promise<string>((resolve) => clock.setTimeout(() => resolve(job), RUN_MS));
      },
      clock,
      queue,
    }).start();
    await clock.flush();
    const results = [pool.submit('first', { priority: 2 }), pool.submit('low', { priority: 0 })];
    for (let i = 1; i <= 12; i++) {
      results.push(pool.submit(`t${i}`, { priority: 2 }));
      await clock.advance(STEP_MS);
    }
    const levelsWhileQueued = pool.getSnapshot().metrics.levels?.map((l) => l.queued);
    await clock.advance(1_000);
    expect((await Promise.all(results)).every((r) => !isErr(r))).toBe(true);
    expectConserved(pool.getSnapshot().metrics);
    await pool.close();
    return { order: [...started.keys()], started, levelsWhileQueued };
  }

  it('a low task overtakes later top tasks after (levels - 1) × everyMs', async () => {
    const { order, started, levelsWhileQueued } = await stream({
      ...PRIORITY,
      levels: 3,
      aging: { everyMs: 100 },
    });
    expect(started.get('low')).toBe(200);
    expect(order).toEqual([
      'first',
      't1',
      't2',
      't3',
      'low',
      ...Array.from({ length: 9 }, (_, i) => `t${i + 4}`),
    ]);
    // At t = 300 `low` has run; the per-level gauge counts base levels, not aged ones.
    expect(levelsWhileQueued).toEqual([0, 0, 7]);
  });

  it('without aging the low task starves until the top level is empty', async () => {
    const { order, started, levelsWhileQueued } = await stream({ ...PRIORITY, levels: 3 });
    expect(order.at(-1)).toBe('low');
    expect(started.get('low')).toBe(13 * RUN_MS);
    expect(levelsWhileQueued).toEqual([1, 0, 6]);
  });

  it('an aged task competes by arrival with the tasks of the level it reached', async () => {
    const { clock, order, pool, blocked, drain } = gatedPool({
      ...PRIORITY,
      levels: 3,
      aging: { everyMs: 100 },
    });
    const { gate } = await blocked();
    const results = [pool.submit('low', { priority: 0 })];
    await clock.advance(50);
    results.push(pool.submit('mid-early', { priority: 1 }));
    await clock.advance(60); // t = 110: low is at level 1 and older than mid-early
    results.push(pool.submit('mid-late', { priority: 1 }));
    await drain();
    await Promise.all([gate, ...results]);
    expect(order).toEqual(['gate', 'low', 'mid-early', 'mid-late']);
    await pool.close();
  });
});

describe('aging with setPriority', () => {
  it('a re-levelled task keeps the time it has waited', async () => {
    const { clock, order, pool, blocked, drain } = gatedPool({
      ...PRIORITY,
      levels: 3,
      aging: { everyMs: 100 },
    });
    const { gate } = await blocked();
    const results = [pool.submit('low', { id: 'low', priority: 0 })];
    await clock.advance(10);
    results.push(pool.submit('top', { priority: 2 }));
    await clock.advance(140);
    // t = 150: raised to base level 1, `low` still counts the 150 ms it has waited, so it is at
    // effective level 2 with `top`, and arrived first. (Unraised, it would be at level 1.)
    expect(pool.setPriority('low', 1)).toBe(true);
    await drain();
    await Promise.all([gate, ...results]);
    expect(order).toEqual(['gate', 'low', 'top']);
    await pool.close();
  });
});
