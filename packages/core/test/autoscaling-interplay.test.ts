/**
 * Dynamic size beside the other parts: the rate limit, idle timers at min, `through`'s window,
 * and option checking.
 */
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createPool, createVirtualClock, InvalidOptionError, isOk, through } from '@troupe/core';

describe('dynamic size with the other parts', () => {
  it('work held by the rate limit is not demand: idle workers mean no growth', async () => {
    const clock = createVirtualClock();
    const pool = createPool({
      clock,
      size: { min: 2, max: 6 },
      rate: { limit: 1, intervalMs: 100 },
      worker: (n: number) => n,
    }).start();
    await clock.flush();
    const all = pool.submitMany([1, 2, 3, 4, 5, 6, 7, 8]);
    await clock.advance(1_000);
    expect((await all).every(isOk)).toBe(true);
    expect(pool.getSnapshot().size).toBe(2);
    await pool.close();
  });

  it('an idle pool at min holds no timer (nothing keeps the process alive)', async () => {
    const clock = createVirtualClock();
    const pool = createPool({
      clock,
      size: { min: 2, max: 4, idleTimeoutMs: 1_000 },
      worker: (n: number) => n,
    }).start();
    await clock.flush();
    await pool.run(1);
    await clock.flush();
    expect(clock.pending()).toBe(0);
    await pool.close();
  });

  it('through() sizes its default window for a dynamic pool’s max, so the pool can grow', async () => {
    const clock = createVirtualClock();
    const pool = createPool({
      clock,
      size: { min: 1, max: 4, idleTimeoutMs: 1_000 },
      worker: (n: number) =>
        new Promise<number>((resolve) => clock.setTimeout(() => resolve(n), 10)),
    }).start();
    await clock.flush();
    expect(pool.getSnapshot().bounds).toEqual({ min: 1, max: 4 });
    let most = 0;
    const sub = pool.events$.subscribe(() => (most = Math.max(most, pool.getSnapshot().size)));
    const done = lastValueFrom(
      from(Array.from({ length: 40 }, (_, i) => i)).pipe(through(pool), toArray()),
    );
    for (let i = 0; i < 50; i++) await clock.advance(10);
    expect((await done).every(isOk)).toBe(true);
    expect(most).toBe(4);
    sub.unsubscribe();
    await pool.close();
  });

  it('unknown keys in queue, queue.aging, rate, batch and metrics are refused by name', () => {
    const worker = (n: number) => n;
    const cases: [() => unknown, string][] = [
      [() => createPool({ worker, queue: { levles: 3 } as never }), 'queue.levles'],
      [
        () => createPool({ worker, queue: { kind: 'priority', aging: { every: 5 } as never } }),
        'queue.aging.every',
      ],
      [
        () => createPool({ worker, rate: { limit: 1, intervalMs: 5, burst: 2 } as never }),
        'rate.burst',
      ],
      [() => createPool({ worker, metrics: { interval: 5 } as never }), 'metrics.interval'],
      [
        () =>
          createPool({
            worker: (xs: number[]) => xs,
            batch: { size: 2, maxWaitMs: 5, wait: 1 } as never,
          }),
        'batch.wait',
      ],
    ];
    for (const [make, option] of cases) {
      expect(make).toThrow(InvalidOptionError);
      expect(make).toThrow(`\`${option}\``);
    }
  });
});

describe('dynamic size: workers finishing after a shrink count against max', () => {
  it('demand does not grow past max while a shrunk worker finishes and a seat waits for its restart', async () => {
    const { clock, pool } = await shrunkWithRestartPending();
    await clock.advance(21); // the second times out: its seat restarts at 30
    void pool.submit(1);
    await clock.advance(10);
    const { metrics, workers } = pool.getSnapshot();
    expect(metrics.workers).toBeLessThanOrEqual(2);
    expect(workers.length).toBeLessThanOrEqual(2);
    const closing = pool.close({ timeoutMs: 0 }); // hung tasks never drain
    await clock.advance(1);
    await closing;
  });
});

describe('dynamic size: a seat awaiting its restart counts against max', () => {
  it('resize(max) while a shrunk worker finishes and a seat waits to restart starts no extra worker', async () => {
    const { clock, pool } = await shrunkWithRestartPending();
    await clock.advance(21); // the second worker timed out; its seat restarts at 30
    void pool.resize(2).catch(() => undefined);
    for (let t = 0; t < 150; t += 5) {
      await clock.advance(5);
      const { metrics, workers } = pool.getSnapshot();
      expect(metrics.workers).toBeLessThanOrEqual(2);
      expect(workers.filter((w) => w.state !== 'stopped').length).toBeLessThanOrEqual(2);
    }
    const closing = pool.close({ timeoutMs: 0 });
    await clock.advance(1);
    await closing;
  });
});

/**
 * A pool of 1..2 whose first worker, busy with a hung task, was given up by resize(1), and
 * whose second worker is running a task that times out at t=20 (its seat restarts at t=30).
 */
async function shrunkWithRestartPending() {
  const clock = createVirtualClock();
  const pool = createPool({
    clock,
    size: { min: 1, max: 2 },
    worker: (job: 'hang' | number) =>
      new Promise<number>((resolve) => {
        if (job !== 'hang') clock.setTimeout(() => resolve(job), job);
      }),
    supervision: { backoff: { minMs: 10, maxMs: 10, jitter: 0 } },
  }).start();
  await clock.flush();
  void pool.submit('hang', { timeoutMs: 100 });
  void pool.submit('hang', { timeoutMs: 20 }); // demand: a second worker
  await clock.flush();
  void pool.resize(1).catch(() => undefined); // the first, busy, retires after its task
  return { clock, pool };
}
