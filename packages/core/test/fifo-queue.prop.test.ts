import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FifoQueue } from '../src/queues/fifo-queue.js';

interface Model {
  items: number[];
  next: number;
}
type Real = FifoQueue<number>;
type Cmd = fc.Command<Model, Real>;

const sameSize = (m: Model, q: Real): void => {
  expect(q.size).toBe(m.items.length);
  expect(q.peek()).toBe(m.items[0]);
};

class PushMany implements Cmd {
  constructor(readonly count: number) {}
  check = (): boolean => true;
  run(m: Model, q: Real): void {
    for (let i = 0; i < this.count; i++) {
      q.push(m.next);
      m.items.push(m.next++);
    }
    sameSize(m, q);
  }
  toString = (): string => `push x${this.count}`;
}

class ShiftMany implements Cmd {
  constructor(readonly count: number) {}
  check = (): boolean => true;
  run(m: Model, q: Real): void {
    const got: (number | undefined)[] = [];
    for (let i = 0; i < this.count; i++) got.push(q.shift());
    const want: (number | undefined)[] = m.items.splice(0, this.count);
    while (want.length < this.count) want.push(undefined); // shifting an empty queue gives undefined
    expect(got).toEqual(want);
    sameSize(m, q);
  }
  toString = (): string => `shift x${this.count}`;
}

class Peek implements Cmd {
  check = (): boolean => true;
  run(m: Model, q: Real): void {
    expect(q.peek()).toBe(m.items[0]);
    sameSize(m, q);
  }
  toString = (): string => 'peek';
}

class Drain implements Cmd {
  check = (): boolean => true;
  run(m: Model, q: Real): void {
    expect(q.drain()).toEqual(m.items.splice(0));
    sameSize(m, q);
  }
  toString = (): string => 'drain';
}

const commands = [
  fc.integer({ min: 1, max: 40 }).map((n): Cmd => new PushMany(n)),
  fc.integer({ min: 100, max: 3000 }).map((n): Cmd => new PushMany(n)),
  fc.integer({ min: 1, max: 40 }).map((n): Cmd => new ShiftMany(n)),
  fc.integer({ min: 100, max: 3000 }).map((n): Cmd => new ShiftMany(n)),
  fc.constant<Cmd>(new Peek()),
  fc.constant<Cmd>(new Drain()),
];

describe('FifoQueue properties', () => {
  it('behaves like an array used as a queue (push/shift/peek/drain, growing and shrinking)', () => {
    fc.assert(
      fc.property(fc.commands(commands, { maxCommands: 60 }), (cmds) => {
        fc.modelRun(() => ({ model: { items: [], next: 0 }, real: new FifoQueue<number>() }), cmds);
      }),
      { numRuns: 200 },
    );
  });

  it('interleaved single pushes and shifts give the pushed sequence back in order', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 2000 }), (ops) => {
        const q = new FifoQueue<number>();
        const out: number[] = [];
        let pushed = 0;
        for (const push of ops) {
          if (push) q.push(pushed++);
          else {
            const item = q.shift();
            if (item !== undefined) out.push(item);
          }
        }
        out.push(...q.drain());
        expect(out).toEqual(Array.from({ length: pushed }, (_, i) => i));
        expect(q.size).toBe(0);
      }),
    );
  });
});
