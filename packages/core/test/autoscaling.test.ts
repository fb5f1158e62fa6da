/**
 * Dynamic size: growth on demand (at once), idle retirement (after idleTimeoutMs), the target
 * policy (on metrics ticks, at most once per cooldown), dry runs, and resize within bounds.
 */
import { describe, expect, it } from 'vitest';
import {
  createPool,
  createVirtualClock,
  InvalidOptionError,
  isOk,
  type PoolEvent,
  type VirtualClock,
} from '@troupe/core';

type ScaleEvent = Extract<PoolEvent, { type: 'scale.up' | 'scale.down' }>;

/** A worker that takes `ms` of virtual time. */
const sleeper = (clock: VirtualClock, ms: number) => (n: number) =>
  new Promise<number>((resolve) => clock.setTimeout(() => resolve(n), ms));

function watch(pool: { events$: { subscribe(f: (e: PoolEvent) => void): unknown } }) {
  const scales: ScaleEvent[] = [];
  pool.events$.subscribe((e) => {
    if (e.type === 'scale.up' || e.type === 'scale.down') scales.push(e);
  });
  return scales;
}

describe('dynamic size: demand and idle', () => {
  it('step load 0 → 10× capacity → 0: reaches max at once, loses nothing, returns to min after the idle timeout', async () => {
    const clock = createVirtualClock();
    const pool = createPool({
      clock,
      size: { min: 1, max: 8, idleTimeoutMs: 1_000 },
      worker: sleeper(clock, 100),
    });
    const scales = watch(pool);
    pool.start();
    await clock.flush();
    expect(pool.getSnapshot().size).toBe(1);
    const all = pool.submitMany(Array.from({ length: 80 }, (_, i) => i));
    await clock.flush();
    expect(pool.getSnapshot().size).toBe(8);
    expect(pool.getSnapshot().metrics.workers).toBe(8);
    await clock.advance(1_000); // 80 tasks / 8 workers × 100 ms
    const results = await all;
    expect(results.every(isOk)).toBe(true);
    expect(pool.getSnapshot().size).toBe(8);
    await clock.advance(1_000);
    await clock.flush();
    expect(pool.getSnapshot().size).toBe(1);
    expect(pool.getSnapshot().metrics.workers).toBe(1);
    expect(scales.filter((e) => e.type === 'scale.up' && e.because === 'demand')).toHaveLength(7);
    expect(scales.filter((e) => e.type === 'scale.down' && e.because === 'idle')).toHaveLength(7);
    await pool.close();
    expect(clock.pending()).toBe(0);
  });
});

describe('dynamic size: options', () => {
  it('rejects bad sizes naming the field', () => {
    const worker = (n: number) => n;
    const bad: [unknown, string][] = [
      [{ min: 0, max: 4 }, 'size.min'],
      [{ min: 2, max: 1 }, 'size.max'],
      [{ min: 1, max: 4, idleTimeoutMs: 0 }, 'size.idleTimeoutMs'],
      [{ min: 1, max: 4, cooldownMs: -1 }, 'size.cooldownMs'],
      [{ min: 1, max: 4, target: { utilisation: 1.5 } }, 'size.target.utilisation'],
      [{ min: 1, max: 4, target: { queueWaitP99Ms: 0 } }, 'size.target.queueWaitP99Ms'],
      [{ min: 1, max: 4, target: { speed: 1 } }, 'size.target'],
      [{ min: 1, max: 4, dryRun: 'yes' }, 'size.dryRun'],
      [{ min: 1, max: 4, maxx: 5 }, 'size.maxx'],
    ];
    for (const [size, option] of bad) {
      const make = () => createPool({ worker, size: size as { min: number; max: number } });
      expect(make).toThrow(InvalidOptionError);
      expect(make).toThrow(`\`${option}\``);
    }
  });
});
