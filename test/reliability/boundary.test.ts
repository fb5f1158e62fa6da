/**
 * The edge of the restart-intensity window, on the virtual clock: with `maxRestarts: 1` within
 * 1000 ms, crashes spaced exactly 1000 ms (or just more) apart never fail the pool; two within
 * 1000 ms do. The window slides: it counts the crashes of the last `withinMs`, not of fixed buckets.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createPool,
  createVirtualClock,
  PoolFailedError,
  WorkerCrashedError,
  type PoolState,
  type TimeoutHandling,
} from '@troupe/core';
import { decisions, ofType, recordEvents, tagOf } from './support/observe.js';
import { track } from '../../packages/core/test/support/pool-harness.js';

type Job = 'ok' | 'crash' | 'hang';

/** A one-worker pool that restarts at once; `crashAt` crashes its worker at the given clock times. */
function setup(maxRestarts: number, withinMs: number, timeouts: TimeoutHandling = 'fail-task') {
  const clock = createVirtualClock();
  const pool = createPool({
    worker: (job: Job) => {
      if (job === 'crash') throw new WorkerCrashedError('broken');
      if (job === 'hang') return new Promise<Job>(() => undefined);
      return job;
    },
    clock,
    timeoutMs: 100,
    supervision: { maxRestarts, withinMs, backoff: { minMs: 0, maxMs: 0 }, timeouts },
  });
  const seen = recordEvents(pool, clock);
  pool.start();
  /** Crashes the worker at each time (absolute, ascending); returns the state after each. */
  const crashAt = async (times: readonly number[], job: Job = 'crash'): Promise<PoolState[]> => {
    const states: PoolState[] = [];
    for (const t of times) {
      await clock.advance(t - clock.now());
      const result = track(pool.submit(job));
      await clock.advance(0); // the restart (no backoff) waits for the clock's next tick
      if (job === 'crash' && pool.getSnapshot().state === 'running')
        expect(tagOf(result.value)).toBe('WorkerCrashed');
      states.push(pool.getSnapshot().state);
    }
    return states;
  };
  return { clock, pool, seen, crashAt };
}

describe('restart window edges (maxRestarts 1 within 1000 ms)', () => {
  it('crashes exactly 1000 ms apart never trip the limit', async () => {
    const { pool, seen, crashAt } = setup(1, 1_000);
    const times = [0, 1_000, 2_000, 3_000, 4_000, 5_000];
    expect(await crashAt(times)).toEqual(times.map(() => 'running'));
    expect(decisions(seen).map((d) => d.at)).toEqual(times);
    expect(ofType(seen, 'worker.restarted').map((r) => r.at)).toEqual(times);
    expect(pool.getSnapshot().metrics).toMatchObject({ restarts: 6, crashes: 6, workers: 1 });
    expect(await pool.run('ok')).toBe('ok');
    await pool.close();
  });

  it('crashes just outside the window (1001 ms apart) never trip the limit', async () => {
    const { pool, crashAt } = setup(1, 1_000);
    expect(await crashAt([0, 1_001, 2_002, 3_003])).toEqual(Array(4).fill('running'));
    expect(pool.getSnapshot().metrics.restarts).toBe(4);
    await pool.close();
  });

  it('two crashes within the window fail the pool at the second one', async () => {
    for (const gap of [999, 500, 1, 0]) {
      const { clock, pool, seen, crashAt } = setup(1, 1_000);
      expect(await crashAt([0, gap]), `crashes ${gap} ms apart`).toEqual(['running', 'failed']);
      expect(ofType(seen, 'pool.failed').map((f) => f.at)).toEqual([gap]);
      expect(pool.getSnapshot().failure).toBeInstanceOf(PoolFailedError);
      expect(pool.getSnapshot().failure).toMatchObject({ restarts: 2, withinMs: 1_000 });
      expect(pool.getSnapshot().metrics.restarts).toBe(1);
      expect(clock.now()).toBe(gap);
      await pool.close();
    }
  });

  it('the window slides: 1000 ms after the first crash only the second one still counts', async () => {
    const { pool, crashAt } = setup(1, 1_000);
    // 1000 and 1999 are 999 ms apart, though 1999 is in a later "second" than 1000.
    expect(await crashAt([0, 1_000, 1_999])).toEqual(['running', 'running', 'failed']);
    await pool.close();
  });

  it("hung workers ('crash-worker') count at the moment they are replaced (start + timeoutMs)", async () => {
    const { clock, pool, seen, crashAt } = setup(1, 1_000, 'crash-worker');
    // Hangs started at 0 and 1000 are replaced at 100 and 1100: exactly 1000 ms apart.
    expect(await crashAt([0, 1_000], 'hang')).toEqual(['running', 'running']);
    await clock.advance(100);
    expect(pool.getSnapshot().state).toBe('running');
    expect(decisions(seen).map((d) => d.at)).toEqual([100, 1_100]);
    // A crash 999 ms after the replacement at 1100 trips it.
    expect(await crashAt([2_099])).toEqual(['failed']);
    expect(pool.getSnapshot().metrics).toMatchObject({ hangs: 2, crashes: 1, restarts: 2 });
    await pool.close();
  });

  it('any limit and spacing: fails exactly at the first crash with maxRestarts others in the window before it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 3 }),
        fc.constantFrom(100, 1_000),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 8 }),
        async (maxRestarts, withinMs, steps) => {
          // Gaps around the window edge: none, a bit inside, exactly at it, a bit past it.
          const gaps = steps.map((s) => [0, withinMs / 2, withinMs, withinMs + 1][s]!);
          const times = gaps.reduce<number[]>((ts, g) => [...ts, (ts.at(-1) ?? 0) + g], []);
          const { pool, crashAt } = setup(maxRestarts, withinMs);
          const states = await crashAt(times);
          const failAt = times.findIndex(
            (t, i) => times.slice(0, i).filter((s) => s > t - withinMs).length >= maxRestarts,
          );
          const expected = times.map((_, i) => (failAt >= 0 && i >= failAt ? 'failed' : 'running'));
          expect(states).toEqual(expected);
          expect(pool.getSnapshot().metrics.restarts).toBe(failAt >= 0 ? failAt : times.length);
          await pool.close();
        },
      ),
      { numRuns: 60 },
    );
  });
});
