/**
 * Tasks submitted with a priority and no other option share one frozen extras object per level
 * (no allocation per task); whatever changes a task's extras (a retry, `setPriority`) takes its
 * own copy first, so no task sees another's attempts or level.
 */
import { describe, expect, it } from 'vitest';
import { createPool, createVirtualClock } from '@troupe/core';
import { ownExtras, sharedPriority, Task } from '../src/pool/task.js';
import { expectConserved } from './support/conservation.js';
import { valueOf } from './support/results.js';
import { settleWith } from './support/virtual-time.js';

describe('shared priority extras', () => {
  it('are one frozen object per level; a task takes its own copy before changing them', () => {
    const shared = sharedPriority(2);
    expect(sharedPriority(2)).toBe(shared);
    expect(Object.isFrozen(shared)).toBe(true);
    expect(shared).toMatchObject({ priority: 2, shared: true, attempt: 1, crashes: 0 });

    const task = new Task(1, 'x', 0, shared);
    const own = ownExtras(task);
    expect(own).not.toBe(shared);
    expect(task.x).toBe(own);
    expect(own).toMatchObject({ priority: 2, shared: false, attempt: 1 });
    own.attempt++;
    expect(ownExtras(task)).toBe(own); // already its own
    expect(shared.attempt).toBe(1);

    const bare = new Task(2, 'y', 0, undefined);
    expect(ownExtras(bare)).toMatchObject({ priority: 0, shared: false });
  });

  it('a retried task counts its own attempts; its siblings of the same level stay at 1', async () => {
    const clock = createVirtualClock();
    const seen: [string, number][] = [];
    const failedOnce = new Set<string>();
    const pool = createPool({
      worker: (input: string, ctx) => {
        seen.push([input, ctx.attempt]);
        if (input.startsWith('flaky') && !failedOnce.has(input)) {
          failedOnce.add(input);
          throw new Error(`first run of ${input}`);
        }
        return input;
      },
      size: 1,
      queue: { kind: 'priority', levels: 3 },
      retry: { attempts: 3, backoff: { minMs: 5, maxMs: 5, jitter: 0 } },
      clock,
    }).start();
    await clock.flush();
    const level = { priority: 1 };
    const one = ['flaky-a', 'b', 'c'].map((input) => pool.submit(input, level));
    const many = pool.submitMany(['flaky-d', 'e'], level);
    const results = await settleWith(clock, Promise.all([...one, many]));
    expect(results.slice(0, 3).map((r) => valueOf(r as never))).toEqual(['flaky-a', 'b', 'c']);
    expect(seen.filter(([input]) => !input.startsWith('flaky'))).toEqual([
      ['b', 1],
      ['c', 1],
      ['e', 1],
    ]);
    expect(seen.filter(([input]) => input === 'flaky-a')).toEqual([
      ['flaky-a', 1],
      ['flaky-a', 2],
    ]);
    expect(seen.filter(([input]) => input === 'flaky-d')).toEqual([
      ['flaky-d', 1],
      ['flaky-d', 2],
    ]);
    expect(sharedPriority(1).attempt).toBe(1);
    expect(pool.getSnapshot().metrics).toMatchObject({ completed: 5, retries: 2 });
    expectConserved(pool.getSnapshot().metrics);
    await pool.close();
  });
});
