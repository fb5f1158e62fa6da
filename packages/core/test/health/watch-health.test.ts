/**
 * watchHealth over a real in-process pool on the virtual clock: a worker made to fail turns the
 * pool unhealthy within two windows; once it works again the watch probes with a trickle of
 * tasks and ramps traffic back up.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  createPool,
  createVirtualClock,
  InvalidOptionError,
  watchHealth,
  type HealthTransition,
} from '@troupe/core';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function setup() {
  const clock = createVirtualClock();
  let failing = false;
  const pool = createPool({
    worker: async (n: number) => {
      await Promise.resolve();
      if (failing) throw new Error('backend down');
      return n;
    },
    size: 2,
    clock,
    metrics: { intervalMs: 1_000 },
  }).start();
  const health = watchHealth(pool, {
    clock,
    windowMs: 5_000,
    minSamples: 5,
    maxErrorRate: 0.2,
    probeEveryMs: 2_000,
    probeTasks: 2,
    slowStartMs: 4_000,
    random: () => 0.5,
  });
  const transitions: HealthTransition[] = [];
  health.health$.subscribe((t) => void transitions.push(t));
  cleanups.push(async () => {
    health.stop();
    await pool.close();
  });
  /** Submits `n` tasks and lets a window of virtual time pass. */
  const window = async (n: number) => {
    for (let i = 0; i < n; i++) void pool.submit(i);
    await clock.advance(5_000);
  };
  return { clock, pool, health, transitions, window, fail: (on: boolean) => (failing = on) };
}

describe('watchHealth', () => {
  it('marks a failing pool unhealthy within two windows and recovers it through probing', async () => {
    const { clock, pool, health, transitions, window, fail } = setup();
    await window(10);
    expect(health.state).toBe('healthy');

    fail(true);
    const failedAt = clock.now();
    await window(10);
    expect(health.state).toBe('degraded');
    expect(health.admits()).toBe(true);
    await window(10);
    expect(health.state).toBe('unhealthy');
    expect(clock.now() - failedAt).toBeLessThanOrEqual(2 * 5_000);
    expect(health.admits()).toBe(false);
    expect(transitions).toEqual([
      {
        type: 'health.changed',
        from: 'healthy',
        to: 'degraded',
        reason: 'error rate 1 > 0.2 over 5000 ms',
        at: 10_000,
      },
      {
        type: 'health.changed',
        from: 'degraded',
        to: 'unhealthy',
        reason: 'error rate 1 > 0.2 over 5000 ms (2 bad windows in a row)',
        at: 15_000,
      },
    ]);

    fail(false);
    await clock.advance(2_000);
    expect(health.state).toBe('probing');
    // A trickle: two tasks, then nothing until they answer.
    expect([health.admits(), health.admits(), health.admits()]).toEqual([true, true, false]);
    await Promise.all([pool.submit(1), pool.submit(2)]);
    await clock.flush();
    expect(health.state).toBe('healthy');
    expect(transitions.slice(2).map(({ from, to, reason }) => [from, to, reason])).toEqual([
      ['unhealthy', 'probing', 'unhealthy for 2000 ms: letting 2 probe tasks through'],
      ['probing', 'healthy', '2 probe tasks succeeded; ramping traffic up over 4000 ms'],
    ]);

    // Slow start: a tenth of the traffic at first (random() is 0.5), all of it after 4 s.
    expect(health.admitFraction).toBe(0.1);
    expect(health.admits()).toBe(false);
    await clock.advance(2_000);
    expect(health.admitFraction).toBe(0.6);
    expect(health.admits()).toBe(true);
    await clock.advance(2_000);
    expect(health.admitFraction).toBe(1);
  });

  it('reopens when a probe task fails', async () => {
    const { clock, pool, health, transitions, window, fail } = setup();
    fail(true);
    await window(10);
    await window(10);
    await clock.advance(2_000);
    expect(health.state).toBe('probing');
    await pool.submit(1);
    await clock.flush();
    expect(health.state).toBe('unhealthy');
    expect(transitions.at(-1)).toMatchObject({ from: 'probing', reason: 'a probe task failed' });
  });

  it('stops with the pool: health$ completes when metrics$ does', async () => {
    const { pool, health } = setup();
    let completed = false;
    health.health$.subscribe({ complete: () => (completed = true) });
    await pool.close();
    expect(completed).toBe(true);
    expect(health.state).toBe('healthy');
  });

  it('watches a pool that is already closed, and stops at once', async () => {
    const clock = createVirtualClock();
    const pool = createPool({ worker: (n: number) => n, clock });
    await pool.close();
    const health = watchHealth(pool, { clock });
    let completed = false;
    health.health$.subscribe({ complete: () => (completed = true) });
    expect(completed).toBe(true);
  });

  it('refuses bad options at once', () => {
    const pool = createPool({ worker: (n: number) => n, clock: createVirtualClock() });
    expect(() => watchHealth(pool, { windowMs: 0 })).toThrow(InvalidOptionError);
    expect(() => watchHealth(pool, { windowMs: 0 })).toThrow('`windowMs`: got 0');
    expect(() => watchHealth(pool, { random: 1 as never })).toThrow('`random`');
  });
});
