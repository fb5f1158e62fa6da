import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createVirtualClock } from '@troupe/core';
import { PriorityQueue } from '../src/queues/priority-queue.js';

interface Item {
  readonly id: number;
  level: number;
  readonly at: number;
}

/** The rule, stated naively: highest effective level first, oldest among equals. */
function effective(item: Item, now: number, levels: number, everyMs: number): number {
  return Math.min(levels - 1, item.level + Math.floor((now - item.at) / everyMs));
}
function naiveBest(
  items: readonly Item[],
  now: number,
  levels: number,
  everyMs: number,
): Item | undefined {
  let best: Item | undefined;
  for (const item of items) {
    if (best === undefined) best = item;
    else {
      const a = effective(item, now, levels, everyMs);
      const b = effective(best, now, levels, everyMs);
      if (a > b || (a === b && item.id < best.id)) best = item;
    }
  }
  return best;
}

describe('PriorityQueue with aging', () => {
  it('always gives the item the naive rule picks (push, shift, setLevel, remove, time passing)', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('push' as const), level: fc.nat(9) }),
      fc.record({ kind: fc.constant('shift' as const) }),
      fc.record({ kind: fc.constant('set' as const), pick: fc.nat(), level: fc.nat(9) }),
      fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('evict' as const) }),
      fc.record({ kind: fc.constant('advance' as const), ms: fc.nat(60) }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 50 }),
        fc.array(op, { maxLength: 400 }),
        (levels, everyMs, ops) => {
          let now = 0;
          const clock = { now: () => now, setTimeout: () => 0, clearTimeout: () => undefined };
          const queue = new PriorityQueue<Item>(
            levels,
            { everyMs },
            clock,
            (item) => item.level,
            (item) => item.id,
          );
          const model: Item[] = [];
          let next = 0;
          for (const o of ops) {
            if (o.kind === 'push') {
              const item = { id: ++next, level: o.level % levels, at: clock.now() };
              queue.push(item);
              model.push(item);
            } else if (o.kind === 'shift') {
              const expected = naiveBest(model, clock.now(), levels, everyMs);
              expect(queue.shift()).toBe(expected);
              if (expected !== undefined) model.splice(model.indexOf(expected), 1);
            } else if (o.kind === 'set' && model.length > 0) {
              const item = model[o.pick % model.length]!;
              item.level = o.level % levels;
              expect(queue.setLevel(item.id, item.level)).toBe(true);
            } else if (o.kind === 'remove' && model.length > 0) {
              const item = model.splice(o.pick % model.length, 1)[0]!;
              expect(queue.remove(item.id)).toBe(true);
            } else if (o.kind === 'evict') {
              // The least urgent: the oldest of the lowest non-empty base level.
              const lowest = Math.min(...model.map((item) => item.level));
              const expected = model.find((item) => item.level === lowest);
              expect(queue.evict()).toBe(expected);
              if (expected !== undefined) model.splice(model.indexOf(expected), 1);
            } else if (o.kind === 'advance') {
              now += o.ms;
            }
            expect(queue.size).toBe(model.length);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('under a flood of top-level work at 120% of capacity, every low item waits at most (levels-1)×everyMs plus the top-level items that arrived before it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 10 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 10 }),
        fc.array(fc.record({ atMs: fc.nat(199), level: fc.nat(8) }), {
          minLength: 1,
          maxLength: 20,
        }),
        (levels, everyMs, capacity, lows) => {
          // Discrete time: each ms, 120% of capacity arrives at the top level (plus the low items
          // due then), then `capacity` items start. No clock timers: `now` is read by the queue.
          let now = 0;
          const clock = { now: () => now, setTimeout: () => 0, clearTimeout: () => undefined };
          const queue = new PriorityQueue<Item>(
            levels,
            { everyMs },
            clock,
            (item) => item.level,
            (item) => item.id,
          );
          const top = levels - 1;
          const started = new Map<number, number>();
          const all: Item[] = [];
          let id = 0;
          let carry = 0;
          const horizon = 200 + levels * everyMs + 50;
          for (now = 0; now < horizon; now++) {
            carry += capacity * 1.2;
            for (; carry >= 1; carry--) all.push(push({ id: ++id, level: top, at: now }));
            for (const low of lows) {
              if (low.atMs === now) all.push(push({ id: ++id, level: low.level % top, at: now }));
            }
            for (let k = 0; k < capacity; k++) {
              const item = queue.shift();
              if (item !== undefined) started.set(item.id, now);
            }
          }
          function push(item: Item): Item {
            queue.push(item);
            return item;
          }
          for (const item of all) {
            if (item.level === top) continue;
            // Once aged to the top it never waits behind a later arrival: only older items (the
            // top-level ones that arrived before it) may still start first, then it is next.
            const older = all.filter((other) => other.id < item.id);
            const lastOlder = Math.max(...older.map((other) => started.get(other.id) ?? Infinity));
            const topAt = item.at + (top - item.level) * everyMs;
            const bound = Math.max(topAt, lastOlder + 1);
            const start = started.get(item.id);
            if (bound < horizon - 1) {
              expect(
                start,
                `item ${item.id} (level ${item.level}, at ${item.at}) never started`,
              ).toBeDefined();
              expect(start!).toBeLessThanOrEqual(bound);
            }
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('keeps FIFO within one level and runs higher levels first without aging', () => {
    const clock = createVirtualClock();
    const queue = new PriorityQueue<Item>(
      3,
      undefined,
      clock,
      (item) => item.level,
      (item) => item.id,
    );
    const items = [0, 2, 1, 2, 0].map((level, i) => ({ id: i + 1, level, at: 0 }));
    for (const item of items) queue.push(item);
    expect(queue.drain().map((item) => item.id)).toEqual([2, 4, 3, 1, 5]);
  });
});

describe('PriorityQueue upkeep', () => {
  it('sheds removed entries: a level holding many removed items is rebuilt', () => {
    const clock = createVirtualClock();
    const queue = new PriorityQueue<Item>(
      2,
      { everyMs: 10 },
      clock,
      (item) => item.level,
      (item) => item.id,
    );
    const items = Array.from({ length: 10_000 }, (_, i) => ({ id: i + 1, level: i % 2, at: 0 }));
    for (const item of items) queue.push(item);
    for (const item of items) if (item.id % 100 !== 0) queue.remove(item.id);
    expect(queue.size).toBe(100);
    expect(queue.sizes()).toEqual([0, 100]);
    expect(queue.drain().map((item) => item.id)).toEqual(
      items.filter((item) => item.id % 100 === 0).map((item) => item.id),
    );
  });

  it('keeps a re-levelled item’s arrival: it runs before later arrivals of its new level', () => {
    const clock = createVirtualClock();
    const queue = new PriorityQueue<Item>(
      3,
      undefined,
      clock,
      (item) => item.level,
      (item) => item.id,
    );
    const items = [0, 2, 2, 1].map((level, i) => ({ id: i + 1, level, at: 0 }));
    for (const item of items) queue.push(item);
    expect(queue.setLevel(1, 2)).toBe(true);
    expect(queue.setLevel(99, 2)).toBe(false);
    expect(queue.drain().map((item) => item.id)).toEqual([1, 2, 3, 4]);
  });
});

describe('PriorityQueue without a key for every item', () => {
  it('untracked items keep their order and count, but cannot be found by key', () => {
    const clock = createVirtualClock();
    const queue = new PriorityQueue<Item>(
      2,
      undefined,
      clock,
      (item) => item.level,
      (item) => item.id,
      (item) => item.id % 2 === 0,
    );
    const items = [0, 1, 0, 1, 0].map((level, i) => ({ id: i + 1, level, at: 0 }));
    for (const item of items) queue.push(item);
    expect(queue.size).toBe(5);
    expect(queue.get(1)).toBeUndefined();
    expect(queue.remove(1)).toBe(false);
    expect(queue.get(2)).toBe(items[1]);
    expect(queue.setLevel(4, 0)).toBe(true);
    expect(queue.size).toBe(5);
    expect(queue.drain().map((item) => item.id)).toEqual([2, 1, 3, 4, 5]);
    expect(queue.size).toBe(0);
  });
});
