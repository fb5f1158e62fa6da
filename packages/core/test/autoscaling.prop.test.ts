/**
 * Properties of dynamic size: the pure target policy (`decideTarget`) against its documented
 * formulas, and a pool under random bursts staying within its bounds, losing nothing and
 * returning to `min` when the load is gone.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createPool,
  createVirtualClock,
  decideTarget,
  isOk,
  type DynamicSize,
  type PoolMetrics,
  type ScaleTarget,
  type ScaleView,
  type TaskResult,
} from '@troupe/core';

/** A valid metrics snapshot to vary: a fresh pool's. */
const blank: PoolMetrics = createPool({
  worker: (n: number) => n,
  clock: createVirtualClock(),
}).getSnapshot().metrics;

function expectConserved(m: PoolMetrics): void {
  const parts = [m.completed, m.failed, m.crashed, m.timedOut, m.cancelled, m.dropped];
  parts.push(m.waiting, m.queued, m.retrying, m.active);
  expect(parts.every((n) => n >= 0)).toBe(true);
  expect(parts.reduce((a, b) => a + b, 0)).toBe(m.submitted);
}

const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, n));

/** min ≤ size ≤ max, and what the pool saw on the last tick. */
const viewArb = fc
  .record({
    min: fc.integer({ min: 0, max: 20 }),
    above: fc.integer({ min: 0, max: 20 }),
    spread: fc.integer({ min: 0, max: 40 }),
    workers: fc.nat({ max: 60 }),
    queued: fc.oneof(fc.constant(0), fc.nat({ max: 500 })),
    active: fc.nat({ max: 60 }),
    utilisation: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 1)),
    recentWaitP99: fc.option(fc.double({ min: 0, max: 1e5, noNaN: true }), { nil: undefined }),
  })
  .map(({ min, above, spread, workers, queued, active, utilisation, recentWaitP99 }) => {
    const size = min + above;
    const view: ScaleView = {
      size,
      min,
      max: Math.max(1, size + spread),
      metrics: { ...blank, workers, queued, active, utilisation },
      recentWaitP99,
    };
    return view;
  });

const utilisationArb = fc.double({ min: 0.01, max: 1, noNaN: true });
const targetArb: fc.Arbitrary<ScaleTarget> = fc.oneof(
  utilisationArb.map((utilisation) => ({ utilisation })),
  fc.double({ min: 0.1, max: 1e4, noNaN: true }).map((queueWaitP99Ms) => ({ queueWaitP99Ms })),
);

describe('decideTarget properties', () => {
  it('a decision, when there is one, lies within [min, max], moves off the size and names the metric', () => {
    fc.assert(
      fc.property(targetArb, viewArb, (target, view) => {
        const d = decideTarget(target, view);
        if (d === undefined) return;
        expect(d.from).toBe(view.size);
        expect(d.to).not.toBe(view.size);
        expect(d.to).toBeGreaterThanOrEqual(view.min);
        expect(d.to).toBeLessThanOrEqual(view.max);
        expect(Number.isInteger(d.to)).toBe(true);
        expect(d.because).toBe('utilisation' in target ? 'utilisation' : 'queue-wait');
        expect(d.detail).not.toBe('');
      }),
      { numRuns: 500 },
    );
  });

  it('utilisation within ±10% of the target: no decision', () => {
    fc.assert(
      fc.property(
        utilisationArb,
        fc.double({ min: -0.099, max: 0.099, noNaN: true }),
        viewArb,
        (goal, off, view) => {
          const utilisation = goal * (1 + off);
          fc.pre(utilisation <= 1);
          const inBand = { ...view, metrics: { ...view.metrics, utilisation } };
          expect(decideTarget({ utilisation: goal }, inBand)).toBeUndefined();
        },
      ),
      { numRuns: 500 },
    );
  });

  it('utilisation: ceil(size × u / target) within bounds, never below the size while work waits, above it only while the present work is over the target', () => {
    fc.assert(
      fc.property(utilisationArb, viewArb, (goal, view) => {
        const { size, min, max, metrics } = view;
        const u = metrics.utilisation;
        const d = decideTarget({ utilisation: goal }, view);
        if (metrics.workers === 0 || Math.abs(u - goal) <= 0.1 * goal) {
          expect(d).toBeUndefined();
          return;
        }
        const raw = Math.ceil((size * u) / goal);
        let want = clamp(metrics.queued > 0 ? Math.max(raw, size) : raw, min, max);
        if (want > size && (metrics.active + metrics.queued) / size <= goal) want = size;
        expect(d?.to).toBe(want === size ? undefined : want);
        if (metrics.queued > 0 && d !== undefined) expect(d.to).toBeGreaterThan(size);
      }),
      { numRuns: 1_000 },
    );
  });

  it('queueWaitP99Ms: grows (at most doubling) when p99 is over, shrinks by one when well under with a worker idle', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.1, max: 1e4, noNaN: true }), viewArb, (goal, view) => {
        const { size, min, max, metrics } = view;
        const p99 = view.recentWaitP99;
        const d = decideTarget({ queueWaitP99Ms: goal }, view);
        if (p99 !== undefined && p99 > goal) {
          // At max nothing more; at 0 (min 0, scaled to zero) nothing either: no task runs, so
          // a worker starts only on demand, when one arrives (a grown idle one would flap).
          if (size === max || size === 0) {
            expect(d).toBeUndefined();
            return;
          }
          expect(d!.to).toBeGreaterThan(size);
          expect(d!.to).toBeLessThanOrEqual(Math.min(2 * size, max));
          const want = Math.min(2 * size, Math.max(size + 1, Math.ceil((size * p99) / goal)));
          expect(d!.to).toBe(Math.min(want, max));
        } else if (
          (p99 === undefined || p99 < goal / 2) &&
          metrics.queued === 0 &&
          metrics.utilisation * size <= size - 1
        ) {
          // Short waits, nothing queued and a worker's worth of idle time: one fewer.
          expect(d?.to).toBe(size > min ? size - 1 : undefined);
        } else {
          expect(d).toBeUndefined();
        }
      }),
      { numRuns: 1_000 },
    );
  });
});

type Sizing = DynamicSize & { readonly idleTimeoutMs: number; readonly cooldownMs: number };

const sizeArb: fc.Arbitrary<Sizing> = fc
  .record({
    min: fc.integer({ min: 0, max: 3 }),
    extra: fc.integer({ min: 0, max: 5 }),
    idleTimeoutMs: fc.integer({ min: 100, max: 2_000 }),
    cooldownMs: fc.integer({ min: 50, max: 1_000 }),
    dryRun: fc.constantFrom(false, false, false, true),
    target: fc.option(
      fc.oneof(
        fc.double({ min: 0.3, max: 0.9, noNaN: true }).map((utilisation) => ({ utilisation })),
        fc.integer({ min: 10, max: 500 }).map((queueWaitP99Ms) => ({ queueWaitP99Ms })),
      ),
      { nil: undefined },
    ),
  })
  .map(({ min, extra, target, dryRun, ...rest }) => ({
    min,
    max: Math.max(1, min + extra),
    // A dry run never starts a worker itself: with min 0 it would have none (refused).
    dryRun: min > 0 && dryRun,
    ...rest,
    ...(target === undefined ? {} : { target }),
  }));

/** Bursts of `count` tasks of `runMs` each, `gapMs` after the previous one. */
const burstsArb = fc.array(
  fc.record({
    gapMs: fc.integer({ min: 0, max: 2_000 }),
    count: fc.integer({ min: 0, max: 25 }),
    runMs: fc.integer({ min: 1, max: 400 }),
  }),
  { minLength: 1, maxLength: 5 },
);

describe('dynamic pool under random bursts', () => {
  it('stays within [min, max], completes every task, and returns to min once idle', async () => {
    await fc.assert(
      fc.asyncProperty(sizeArb, burstsArb, async (size, bursts) => {
        const clock = createVirtualClock();
        const intervalMs = 100;
        const pool = createPool({
          clock,
          size,
          metrics: { intervalMs, windowMs: 1_000 },
          worker: (ms: number) => new Promise<number>((r) => clock.setTimeout(() => r(ms), ms)),
        }).start();
        const check = () => {
          const { size: n, metrics } = pool.getSnapshot();
          expect(n).toBeGreaterThanOrEqual(size.min);
          expect(n).toBeLessThanOrEqual(size.max);
          expect(metrics.workers).toBeGreaterThanOrEqual(size.min);
          // Also while a worker given up by a shrink finishes its task: no more than max run.
          expect(metrics.workers).toBeLessThanOrEqual(size.max);
          expectConserved(metrics);
        };
        await clock.flush();
        const pending: Promise<TaskResult<number>[]>[] = [];
        let submitted = 0;
        for (const { gapMs, count, runMs } of bursts) {
          for (let left = gapMs; left > 0; left -= 250) {
            await clock.advance(Math.min(250, left));
            check();
          }
          pending.push(pool.submitMany(Array<number>(count).fill(runMs)));
          submitted += count;
          await clock.flush();
          check();
        }
        // Every task ends: at worst all of them run one after another on min workers.
        const done = () => pool.getSnapshot().metrics.completed === submitted;
        for (let t = 0; t < submitted * 400 && !done(); t += 250) {
          await clock.advance(250);
          check();
        }
        const results = (await Promise.all(pending)).flat();
        expect(results).toHaveLength(submitted);
        expect(results.every(isOk)).toBe(true);
        // Idle long enough for every idle timer, and for the target to step down once per cooldown.
        const quiet =
          size.idleTimeoutMs + (size.max - size.min + 2) * (size.cooldownMs + intervalMs);
        await clock.advance(quiet);
        check();
        const { size: n, metrics } = pool.getSnapshot();
        expect([n, metrics.workers]).toEqual([size.min, size.min]);
        expect(metrics.completed).toBe(submitted);
        await pool.close();
        expect(clock.pending()).toBe(0);
      }),
      { numRuns: 40 },
    );
  });
});
