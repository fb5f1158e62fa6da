/**
 * Retries on a priority pool: a task submitted with a priority (and no other option, alone or in a
 * `submitMany`) counts its own attempts when it is retried; the tasks of its level beside it, and
 * those submitted after it, start at attempt 1 whatever it went through.
 */
import { describe, expect, it } from 'vitest';
import { createPool, createVirtualClock } from '@troupe/core';
import { expectConserved } from './support/conservation.js';
import { valueOf } from './support/results.js';
import { settleWith } from './support/virtual-time.js';

describe('retries on a priority pool', () => {
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
    expect(pool.getSnapshot().metrics).toMatchObject({ completed: 5, retries: 2 });
    // A task of the same level submitted after the retries starts at attempt 1 too.
    await settleWith(clock, pool.submit('late', level));
    expect(seen.at(-1)).toEqual(['late', 1]);
    expectConserved(pool.getSnapshot().metrics);
    await pool.close();
  });
});
