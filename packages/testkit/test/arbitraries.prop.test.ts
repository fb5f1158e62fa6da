/**
 * Every value the arbitraries produce passes the library's own validation: `createPool` takes
 * each pool option set (and a system spec takes it as a pool entry), `validateSpec` finds no
 * problem in each system spec and `createSystem` takes it; each starts and closes.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createPool, createSystem, validateSpec, type PoolOptions } from '@troupe/core';
import {
  arbLoad,
  arbPoolOptions,
  arbSystemSpec,
  arbTaskBehaviour,
  createTestClock,
  disposeTestClocks,
  playLoad,
  type BehaviourKind,
} from '@troupe/testkit';

afterEach(() => disposeTestClocks());

const echo = (n: number): number => n;
const batchEcho = (items: number[]): number[] => items;

describe('arbitraries produce only valid values', () => {
  it('arbPoolOptions: createPool takes every option set (batch pools too), and so does a spec', async () => {
    await fc.assert(
      fc.asyncProperty(arbPoolOptions({ batch: 'maybe' }), async (options) => {
        const clock = createTestClock();
        const worker = options.batch === undefined ? echo : batchEcho;
        const pool = createPool({ ...options, worker, clock } as unknown as PoolOptions<
          number,
          number
        >);
        expect(validateSpec({ pools: { p: { ...options, worker } } })).toEqual([]);
        pool.start();
        const result = pool.submit(1);
        await clock.runUntilSettled(pool.close());
        expect((await result)._tag).toBeDefined();
        expect(clock.pending()).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('arbPoolOptions keeps to its constraints', () => {
    fc.assert(
      fc.property(arbPoolOptions({ maxSize: 2, sizing: 'fixed', batch: 'always' }), (o) => {
        expect(typeof o.size === 'number' && o.size >= 1 && o.size <= 2).toBe(true);
        expect(o.batch).toBeDefined();
        expect(o.queue?.kind).not.toBe('priority');
      }),
    );
    fc.assert(
      fc.property(arbPoolOptions({ maxSize: 3, sizing: 'dynamic' }), (o) => {
        expect(typeof o.size).toBe('object');
        expect(o.batch).toBeUndefined();
      }),
    );
  });

  it('arbSystemSpec: validateSpec finds nothing wrong, createSystem takes it, it starts and closes', async () => {
    await fc.assert(
      fc.asyncProperty(arbSystemSpec(), async (spec) => {
        expect(validateSpec(spec)).toEqual([]);
        const clock = createTestClock();
        const system = createSystem({ ...spec, clock });
        const started = system.start().catch((e: unknown) => e);
        await clock.runUntilSettled(started);
        await clock.runUntilSettled(system.close());
        expect(system.getSnapshot().state).toBe('stopped');
        expect(clock.pending()).toBe(0);
      }),
      { numRuns: 100 },
    );
  });

  it('arbTaskBehaviour draws only the kinds weighted above 0, with the delays given', () => {
    const seen = new Set<BehaviourKind>();
    fc.assert(
      fc.property(arbTaskBehaviour({ weights: { hang: 0, crash: 0 }, delaysMs: [5, 7] }), (b) => {
        seen.add(b.kind);
        expect(['hang', 'crash']).not.toContain(b.kind);
        if (b.kind === 'slow' || b.kind === 'settle-twice') expect([5, 7]).toContain(b.ms);
      }),
      { numRuns: 500 },
    );
    expect([...seen].sort()).toEqual(['ok', 'settle-twice', 'slow', 'throw']);
    expect(() =>
      arbTaskBehaviour({
        weights: { ok: 0, throw: 0, hang: 0, crash: 0, slow: 0, 'settle-twice': 0 },
      }),
    ).toThrow(RangeError);
  });

  it('arbLoad: bursts of tasks with gaps, played on the clock in order', async () => {
    await fc.assert(
      fc.asyncProperty(arbLoad({ maxBursts: 4, maxBurst: 3, maxGapMs: 100 }), async (load) => {
        expect(load.length).toBeGreaterThanOrEqual(1);
        const clock = createTestClock();
        const seen: [number, number][] = [];
        await playLoad(load, clock, (task) => seen.push([task.id, clock.now()]));
        const total = load.reduce((n, a) => n + a.tasks.length, 0);
        expect(seen.map(([id]) => id)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
        expect(clock.now()).toBe(load.reduce((t, a) => t + a.gapMs, 0));
        for (const a of load) expect(a.tasks.length).toBeLessThanOrEqual(3);
      }),
    );
  });
});
