/**
 * The built-in strategies as the pure functions they are: given member views, a task and a
 * sequence number, which member.
 */
import { describe, expect, it } from 'vitest';
import {
  keyHash,
  leastLoaded,
  liveWeight,
  powerOfTwoChoices,
  roundRobin,
  weighted,
  type MemberView,
  type Strategy,
} from '@troupe/core';

const view = (index: number, over: Partial<MemberView> = {}): MemberView => ({
  index,
  name: `m${index}`,
  state: 'running',
  size: 1,
  inFlight: 0,
  queueUtilisation: 0,
  errorRate: 0,
  latencyMs: 0,
  ...over,
});
const members = (n: number): MemberView[] => Array.from({ length: n }, (_, i) => view(i));

/** How many of `tasks` decisions each member got. */
function shares(strategy: Strategy, of: readonly MemberView[], tasks: number): number[] {
  const counts = of.map(() => 0);
  for (let seq = 0; seq < tasks; seq++)
    counts[strategy(of, {}, { seq, random: Math.random, version: 0 })]!++;
  return counts;
}

describe('roundRobin', () => {
  it('takes each member in turn', () => {
    const s = roundRobin();
    const m = members(3);
    expect(
      [0, 1, 2, 3, 4].map((seq) => s(m, {}, { seq, random: Math.random, version: 0 })),
    ).toEqual([0, 1, 2, 0, 1]);
  });
});

describe('leastLoaded', () => {
  it('chooses the fewest in flight per worker', () => {
    const m = [
      view(0, { inFlight: 4, size: 2 }),
      view(1, { inFlight: 3, size: 1 }),
      view(2, { inFlight: 5, size: 4 }),
    ];
    expect(leastLoaded()(m, {}, { seq: 0, random: Math.random, version: 0 })).toBe(2);
  });

  it('shares ties round-robin', () => {
    expect(shares(leastLoaded(), members(4), 400)).toEqual([100, 100, 100, 100]);
  });
});

describe('powerOfTwoChoices', () => {
  it('draws two distinct members and takes the less loaded', () => {
    const m = [view(0, { inFlight: 9 }), view(1, { inFlight: 1 }), view(2, { inFlight: 5 })];
    // a = floor(0.1 × 3) = 0; b = floor(0.9 × 2) = 1, shifted past a to 2: 5 in flight beats 9.
    const draws = [0.1, 0.9];
    const random = () => draws.shift()!;
    expect(powerOfTwoChoices()(m, {}, { seq: 0, random, version: 0 })).toBe(2);
    // a = 2; b = floor(0.99 × 2) = 1 (below a: kept): 1 in flight beats 5.
    const again = [0.99, 0.99];
    expect(powerOfTwoChoices()(m, {}, { seq: 0, random: () => again.shift()!, version: 0 })).toBe(
      1,
    );
  });

  it('with one member, takes it without drawing', () => {
    expect(
      powerOfTwoChoices()(
        [view(0)],
        {},
        {
          seq: 0,
          random: () => {
            throw new Error('no draw');
          },
          version: 0,
        },
      ),
    ).toBe(0);
  });
});

describe('weighted', () => {
  it('static weights: shares within 0.1% of the weights over 100,000 decisions', () => {
    const counts = shares(weighted([3, 1, 0, 4]), members(4), 100_000);
    expect(counts[0]! / 100_000).toBeCloseTo(3 / 8, 3);
    expect(counts[1]! / 100_000).toBeCloseTo(1 / 8, 3);
    expect(counts[2]).toBe(0);
    expect(counts[3]! / 100_000).toBeCloseTo(4 / 8, 3);
  });

  it('weighs the members offered by their index in pools', () => {
    const offered = [view(1), view(3)]; // members 0 and 2 are not offered now
    const counts = shares(weighted([5, 1, 5, 3]), offered, 40_000);
    expect(counts[0]! / 40_000).toBeCloseTo(1 / 4, 2);
  });

  it("'live': weight = (1 − queue fill) × (1 − error rate) × fastest p90 / own p90, each ≥ 0.05", () => {
    expect(
      liveWeight(view(0, { queueUtilisation: 0.5, errorRate: 0.2, latencyMs: 20 }), 10),
    ).toBeCloseTo(0.5 * 0.8 * 0.5);
    expect(
      liveWeight(view(0, { queueUtilisation: 1, errorRate: 1, latencyMs: 10_000 }), 1),
    ).toBeCloseTo(0.05 ** 3);
    expect(liveWeight(view(0), 10)).toBe(1);
    const m = [view(0, { latencyMs: 10 }), view(1, { latencyMs: 30, errorRate: 0.5 })];
    const counts = shares(weighted('live'), m, 70_000);
    // weights 1 and 1/3 × 1/2 = 1/6: shares 6/7 and 1/7
    expect(counts[1]! / 70_000).toBeCloseTo(1 / 7, 2);
  });
});

describe('keyHash', () => {
  const keys = Array.from({ length: 10_000 }, (_, i) => `tenant-${i}`);
  const route = (s: Strategy, m: readonly MemberView[]) =>
    keys.map((key) => m[s(m, { key }, { seq: 0, random: Math.random, version: 0 })]!.name);
  const moved = (a: string[], b: string[]) =>
    a.filter((name, i) => name !== b[i]).length / a.length;

  it('the same key goes to the same member, and keys spread over all members', () => {
    const s = keyHash();
    const first = route(s, members(4));
    expect(route(s, members(4))).toEqual(first);
    for (const name of ['m0', 'm1', 'm2', 'm3'])
      expect(first.filter((n) => n === name).length).toBeGreaterThan(1_500);
  });

  it('a member joining (4 → 5) moves at most 1.3 × 1/5 of keys, all to it', () => {
    const s = keyHash();
    const before = route(s, members(4));
    const after = route(s, members(5));
    expect(moved(before, after)).toBeLessThanOrEqual(1.3 / 5);
    expect(after.filter((name, i) => name !== before[i]).every((name) => name === 'm4')).toBe(true);
  });

  it('a member leaving (5 → 4) moves at most 1.3 × 1/5 of keys: only its own', () => {
    const s = keyHash();
    const before = route(s, members(5));
    const without = members(5).filter((m) => m.name !== 'm2');
    const after = route(s, without);
    expect(moved(before, after)).toBeLessThanOrEqual(1.3 / 5);
    expect(before.filter((name, i) => name !== after[i]).every((name) => name === 'm2')).toBe(true);
  });

  it('does not depend on member order; a task without a key goes round-robin', () => {
    const s = keyHash();
    const m = members(3);
    const reversed = [...m].reverse();
    for (const key of keys.slice(0, 100))
      expect(
        reversed[s(reversed, { key }, { seq: 0, random: Math.random, version: 0 })]!.name,
      ).toBe(m[s(m, { key }, { seq: 0, random: Math.random, version: 0 })]!.name);
    expect([0, 1, 2, 3].map((seq) => s(m, {}, { seq, random: Math.random, version: 0 }))).toEqual([
      0, 1, 2, 0,
    ]);
  });
});
