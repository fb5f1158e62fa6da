/**
 * Pipeline test fixtures: stage pools on a virtual clock whose workers take a set time and may
 * fail, each seen through a proxy counting what is submitted and not settled, and sources that
 * count how many items were read.
 */
import {
  createPool,
  createVirtualClock,
  type Pool,
  type PoolOptions,
  type VirtualClock,
} from '@troupe/core';
import { after } from '../support/virtual-time.js';

/** What the stages of one pipeline have in flight now, and the most they ever had. */
export interface InFlight {
  now: number;
  max: number;
}

/** A started stage pool: `run(n)` after `ms(n)`; it throws when `fails(n)`; counts into `inFlight`. */
export function stagePool(
  clock: VirtualClock,
  inFlight: InFlight,
  options: {
    name: string;
    run: (n: number) => number;
    ms?: (n: number) => number;
    fails?: (n: number) => boolean;
  } & Partial<PoolOptions<number, number>>,
): Pool<number, number> {
  const { run, ms = () => 10, fails = () => false, ...more } = options;
  const pool = createPool<number, number>({
    clock,
    worker: async (n: number) => {
      await after(clock, ms(n), undefined);
      if (fails(n)) throw new Error(`${options.name} failed on ${n}`);
      return run(n);
    },
    ...more,
  }).start();
  return new Proxy(pool, {
    get(target, prop) {
      if (prop === 'submit') {
        return (input: number, submitOptions?: Parameters<Pool<number, number>['submit']>[1]) => {
          inFlight.max = Math.max(inFlight.max, ++inFlight.now);
          return target.submit(input, submitOptions).finally(() => inFlight.now--);
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
}

/** A fresh clock and in-flight counter. */
export const scene = (): { clock: VirtualClock; inFlight: InFlight } => ({
  clock: createVirtualClock(),
  inFlight: { now: 0, max: 0 },
});

/** How many items a counted source has given, and the most it was ever ahead of what came out. */
export interface Reads {
  read: number;
  out: number;
  maxAhead: number;
  /** Whether the source's `finally` ran (it was finished or told to return). */
  closed: boolean;
}

export const reads = (): Reads => ({ read: 0, out: 0, maxAhead: 0, closed: false });

/** A generator of `items` that counts its reads against what came out. */
export function* countedItems(items: readonly number[], r: Reads): Generator<number> {
  try {
    for (const item of items) {
      r.read++;
      r.maxAhead = Math.max(r.maxAhead, r.read - r.out);
      yield item;
    }
  } finally {
    r.closed = true;
  }
}

/** The same, async. */
export async function* countedAsyncItems(
  items: readonly number[],
  r: Reads,
): AsyncGenerator<number> {
  try {
    for (const item of items) {
      await Promise.resolve();
      r.read++;
      r.maxAhead = Math.max(r.maxAhead, r.read - r.out);
      yield item;
    }
  } finally {
    r.closed = true;
  }
}
