/** `pool.setPriority(id, level)`: moving a queued (or retry-delayed) task to another level. */
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '@troupe/core';
import { expectConserved } from './support/conservation.js';
import { gatedPool, PRIORITY } from './support/gated-pool.js';
import { rejection } from './support/results.js';

describe('setPriority', () => {
  it('raises an old low task to the top: after earlier top tasks, before later ones', async () => {
    const { order, pool, blocked, submitAll, drain } = gatedPool(PRIORITY);
    await blocked();
    const results = submitAll([
      ['t0', 2],
      ['low', 0],
      ['t1', 2],
      ['mid', 1],
    ]);
    expect(pool.setPriority('low', 2)).toBe(true);
    await drain();
    await Promise.all(results);
    expect(order).toEqual(['gate', 't0', 'low', 't1', 'mid']);
    await pool.close();
  });

  it('keeps arrival order within the new level, and can lower a task too', async () => {
    const { order, pool, blocked, submitAll, drain } = gatedPool(PRIORITY);
    await blocked();
    const results = submitAll([
      ['t0', 2],
      ['m1', 1],
      ['low', 0],
      ['t1', 2],
      ['m2', 1],
      ['t2', 2],
    ]);
    expect(pool.setPriority('low', 1)).toBe(true);
    expect(pool.setPriority('t1', 0)).toBe(true);
    expect(pool.setPriority('t2', 2)).toBe(true); // same level: nothing moves
    expect(pool.getSnapshot().metrics.levels?.map((l) => l.queued)).toEqual([1, 3, 2]);
    await drain();
    await Promise.all(results);
    expect(order).toEqual(['gate', 't0', 't2', 'm1', 'low', 'm2', 't1']);
    await pool.close();
  });

  it('can move a task more than once', async () => {
    const { order, pool, blocked, submitAll, drain } = gatedPool({ ...PRIORITY, levels: 4 });
    await blocked();
    const results = submitAll([
      ['x', 0],
      ['a', 2],
      ['b', 1],
      ['c', 3],
    ]);
    expect(pool.setPriority('x', 3)).toBe(true);
    expect(pool.setPriority('x', 1)).toBe(true);
    expect(pool.setPriority('c', 0)).toBe(true);
    await drain();
    await Promise.all(results);
    expect(order).toEqual(['gate', 'a', 'x', 'b', 'c']);
    await pool.close();
  });

  it('returns false for running, settled, cancelled and unknown ids', async () => {
    const { pool, blocked, drain } = gatedPool(PRIORITY);
    const { gate } = await blocked({ id: 'gate' });
    expect(pool.setPriority('gate', 2)).toBe(false); // running
    expect(pool.setPriority('nobody', 2)).toBe(false);
    const controller = new AbortController();
    const cancelled = pool.submit('c', { id: 'c', signal: controller.signal });
    const queued = pool.submit('q', { id: 'q' });
    controller.abort(new Error('no'));
    expect(rejection(await cancelled)).toBe('TaskCancelled');
    expect(pool.setPriority('c', 2)).toBe(false);
    expect(pool.setPriority('q', 2)).toBe(true);
    await drain();
    await Promise.all([gate, queued]);
    expect(pool.setPriority('gate', 1)).toBe(false); // settled
    expect(pool.setPriority('q', 1)).toBe(false);
    await pool.close();
  });

  it.each([3, -1, 1.5, Number.NaN])(
    'throws InvalidOptionError (priority) for level %s',
    async (priority) => {
      const { pool, blocked, drain } = gatedPool(PRIORITY);
      await blocked();
      const queued = pool.submit('q', { id: 'q', priority: 1 });
      let thrown: unknown;
      try {
        pool.setPriority('q', priority);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(InvalidOptionError);
      expect(thrown).toMatchObject({ option: 'priority' });
      // Also for an unknown id: the level is checked first.
      expect(() => pool.setPriority('nobody', priority)).toThrow(InvalidOptionError);
      expect(pool.getSnapshot().metrics.levels?.map((l) => l.queued)).toEqual([0, 1, 0]);
      await drain();
      await queued;
      await pool.close();
    },
  );

  it('on a FIFO pool throws for any level but 0', async () => {
    const { pool, blocked, drain } = gatedPool({});
    await blocked();
    const queued = pool.submit('q', { id: 'q' });
    expect(() => pool.setPriority('q', 1)).toThrow(InvalidOptionError);
    expect(pool.setPriority('q', 0)).toBe(true);
    await drain();
    await queued;
    await pool.close();
  });

  it("re-levels a submit waiting for room (overflow 'wait'): it enters the queue at its new level", async () => {
    const { order, pool, blocked, submitAll, drain } = gatedPool({
      ...PRIORITY,
      capacity: 2,
      overflow: 'wait',
    });
    await blocked();
    // 'a' and 'b' fill the queue; 'late' and 'next' wait for room, 'late' first.
    const results = submitAll([
      ['a', 0],
      ['b', 0],
      ['late', 0],
      ['next', 0],
    ]);
    expect(pool.getSnapshot().metrics).toMatchObject({ queued: 2, waiting: 2 });
    expect(pool.setPriority('late', 2)).toBe(true);
    // Room comes one at a time: 'late' (at level 2 now) overtakes what queued before it.
    await drain();
    await Promise.all(results);
    expect(order).toEqual(['gate', 'a', 'late', 'b', 'next']);
    await pool.close();
  });

  it('re-levels a task waiting out a retry delay: it queues again at its new level', async () => {
    const { clock, order, pool, blocked, drain } = gatedPool(PRIORITY, {
      retry: { attempts: 2, backoff: { minMs: 100, maxMs: 100, jitter: 0 } },
    });
    await clock.flush();
    const flaky = pool.submit('fail-once', { id: 'f' });
    await clock.flush();
    expect(pool.getSnapshot().metrics).toMatchObject({ retrying: 1, active: 0 });
    const { gate } = await blocked();
    const others = [pool.submit('top', { priority: 2 }), pool.submit('mid', { priority: 1 })];
    expect(pool.setPriority('f', 2)).toBe(true);
    expectConserved(pool.getSnapshot().metrics);
    await clock.advance(100); // the retry delay ends: it queues behind `top`, ahead of `mid`
    expect(pool.getSnapshot().metrics).toMatchObject({ retrying: 0, queued: 3 });
    expect(pool.getSnapshot().metrics.levels?.map((l) => l.queued)).toEqual([0, 1, 2]);
    await drain();
    expect(order).toEqual(['fail-once', 'gate', 'top', 'fail-once', 'mid']);
    expect(rejection(await flaky)).toBe('TaskFailed'); // its second run fails too
    await Promise.all([gate, ...others]);
    expectConserved(pool.getSnapshot().metrics);
    await pool.close();
  });
});
