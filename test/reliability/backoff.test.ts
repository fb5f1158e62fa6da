/**
 * Restart backoff on the virtual clock: the k-th consecutive restart of a worker waits a delay in
 * `min(maxMs, minMs·factor^(k−1))·[1−jitter, 1+jitter]` (capped at maxMs), as announced by
 * `worker.restarting` and as actually measured from the crash to `worker.restarted`; after the
 * worker ran stably for `resetAfterMs` the count starts over at attempt 1.
 */
import { describe, expect, it } from 'vitest';
import {
  createPool,
  createVirtualClock,
  fromAsync,
  WorkerCrashedError,
  type BackoffOptions,
} from '@troupe/core';
import { ofType, recordEvents, seeded } from './support/observe.js';

interface Case {
  readonly backoff: Required<BackoffOptions>;
  readonly random: () => number;
  readonly label: string;
}

const CASES: Case[] = [
  {
    backoff: { minMs: 10, maxMs: 5_000, factor: 2, jitter: 0.2 },
    random: seeded(3),
    label: 'defaults',
  },
  {
    backoff: { minMs: 10, maxMs: 5_000, factor: 2, jitter: 0.2 },
    random: () => 0,
    label: 'low draw',
  },
  {
    backoff: { minMs: 10, maxMs: 5_000, factor: 2, jitter: 0.2 },
    random: () => 0.999_999,
    label: 'high draw',
  },
  {
    backoff: { minMs: 7, maxMs: 300, factor: 3, jitter: 0.5 },
    random: seeded(9),
    label: 'factor 3',
  },
  {
    backoff: { minMs: 50, maxMs: 400, factor: 1.5, jitter: 0 },
    random: seeded(5),
    label: 'no jitter',
  },
  {
    backoff: { minMs: 1, maxMs: 100, factor: 10, jitter: 1 },
    random: seeded(11),
    label: 'jitter 1',
  },
];

/** The interval the k-th consecutive delay must fall in, computed from the formula. */
function bound(b: Required<BackoffOptions>, k: number): [number, number] {
  const base = Math.min(b.maxMs, b.minMs * b.factor ** (k - 1));
  return [base * (1 - b.jitter), Math.min(b.maxMs, base * (1 + b.jitter))];
}

const EPSILON = 1e-9;

function crashingPool(c: Case, resetAfterMs: number) {
  const clock = createVirtualClock();
  const pool = createPool({
    worker: (job: 'ok' | 'crash') => {
      if (job === 'crash') throw new WorkerCrashedError('broken');
      return job;
    },
    clock,
    supervision: { maxRestarts: Infinity, backoff: c.backoff, resetAfterMs },
    random: c.random,
  });
  const seen = recordEvents(pool, clock);
  /**
   * Crashes the (ready) worker now, then lets the clock run to just before and then to the
   * announced delay; returns the announced attempt and delay and the measured restart time.
   */
  const crashAndRestart = async (): Promise<{ attempt: number; delayMs: number; took: number }> => {
    const crashedAt = clock.now();
    void pool.submit('crash');
    await clock.flush();
    const restarting = ofType(seen, 'worker.restarting').at(-1);
    expect(restarting?.at).toBe(crashedAt);
    const { attempt, delayMs } = restarting!.event;
    const restarts = ofType(seen, 'worker.restarted').length;
    if (delayMs > 0) {
      await clock.advance(delayMs * (1 - 1e-6));
      expect(ofType(seen, 'worker.restarted'), 'restarted before its delay').toHaveLength(restarts);
    }
    await clock.advance(crashedAt + delayMs - clock.now());
    const restarted = ofType(seen, 'worker.restarted');
    expect(restarted, 'restarted once its delay passed').toHaveLength(restarts + 1);
    return { attempt, delayMs, took: restarted.at(-1)!.at - crashedAt };
  };
  pool.start();
  return { clock, pool, crashAndRestart };
}

describe('restart backoff', () => {
  for (const c of CASES) {
    it(`the k-th consecutive restart waits within its jittered, capped bound (${c.label})`, async () => {
      const { pool, crashAndRestart } = crashingPool(c, 10_000);
      await pool.onIdle();
      const attempts: number[] = [];
      for (let k = 1; k <= 12; k++) {
        const { attempt, delayMs, took } = await crashAndRestart();
        attempts.push(attempt);
        const [lo, hi] = bound(c.backoff, k);
        expect(delayMs, `attempt ${k}`).toBeGreaterThanOrEqual(lo - EPSILON);
        expect(delayMs, `attempt ${k}`).toBeLessThanOrEqual(hi + EPSILON);
        expect(delayMs).toBeLessThanOrEqual(c.backoff.maxMs);
        expect(took, `measured delay of attempt ${k}`).toBeCloseTo(delayMs, 6);
      }
      expect(attempts).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      expect(pool.getSnapshot().metrics).toMatchObject({ restarts: 12, crashes: 12 });
      await pool.close();
    });
  }

  it('starts over at attempt 1 once the worker ran stably for resetAfterMs, not before', async () => {
    const c = CASES[0]!;
    const resetAfterMs = 2_000;
    const { clock, pool, crashAndRestart } = crashingPool(c, resetAfterMs);
    await pool.onIdle();
    for (let k = 1; k <= 4; k++) expect((await crashAndRestart()).attempt).toBe(k);

    // Ran (and worked) for 1 ms less than resetAfterMs: the count goes on.
    await clock.advance(resetAfterMs / 2);
    expect(await pool.run('ok')).toBe('ok');
    await clock.advance(resetAfterMs / 2 - 1);
    let next = await crashAndRestart();
    expect(next.attempt).toBe(5);

    // Ran exactly resetAfterMs since its restart: back to the shortest delay.
    await clock.advance(resetAfterMs);
    next = await crashAndRestart();
    expect(next.attempt).toBe(1);
    const [lo, hi] = bound(c.backoff, 1);
    expect(next.delayMs).toBeGreaterThanOrEqual(lo - EPSILON);
    expect(next.delayMs).toBeLessThanOrEqual(hi + EPSILON);
    expect(next.took).toBeCloseTo(next.delayMs, 6);

    // And it grows again from there.
    expect((await crashAndRestart()).attempt).toBe(2);
    await pool.close();
  });

  it('a worker that never becomes ready is not restarted before its delay (setup failures)', async () => {
    const clock = createVirtualClock();
    const setupsAt: number[] = [];
    const pool = createPool({
      worker: fromAsync({
        setup: () => {
          setupsAt.push(clock.now());
          throw new Error('no connection');
        },
        run: (n: number) => n,
      }),
      clock,
      supervision: {
        maxRestarts: 6,
        withinMs: 60_000,
        backoff: { minMs: 100, maxMs: 1_000, factor: 2, jitter: 0 },
      },
    }).start();
    for (let i = 0; i < 100 && pool.getSnapshot().state !== 'failed'; i++) await clock.advance(50);
    // Delays 100, 200, 400, 800, 1000 (capped), 1000: each setup starts right when its delay ends.
    expect(setupsAt).toEqual([0, 100, 300, 700, 1_500, 2_500, 3_500]);
    expect(pool.getSnapshot().state).toBe('failed');
    await pool.close();
  });

  it('a setup that keeps failing never counts as a stable run: its backoff keeps growing past resetAfterMs', async () => {
    const clock = createVirtualClock();
    const setupsAt: number[] = [];
    const pool = createPool({
      worker: fromAsync({
        setup: () => {
          setupsAt.push(clock.now());
          throw new Error('no connection');
        },
        run: (n: number) => n,
      }),
      clock,
      supervision: {
        maxRestarts: Infinity,
        resetAfterMs: 1_000,
        backoff: { minMs: 100, maxMs: 10_000, factor: 2, jitter: 0 },
      },
    });
    const seen = recordEvents(pool, clock);
    pool.start();
    await clock.advance(10_000);
    expect(setupsAt).toEqual([0, 100, 300, 700, 1_500, 3_100, 6_300]);
    expect(ofType(seen, 'worker.restarting').map((r) => r.event.attempt)).toEqual([
      1, 2, 3, 4, 5, 6, 7,
    ]);
    await pool.close({ timeoutMs: 0 });
  });
});
