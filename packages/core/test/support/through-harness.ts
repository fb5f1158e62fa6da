/**
 * The `through` tests' fixtures: a doubling pool with its workers ready, a proxy that counts
 * what the operator has in the pool, and a collector of everything the operator emits.
 */
import { lastValueFrom, toArray, type Observable } from 'rxjs';
import { createPool, createVirtualClock, type Pool, type VirtualClock } from '@troupe/core';
import { after, settleWith } from './virtual-time.js';

/** Everything the operator emits, collected on the virtual clock. */
export const collect = <T>(clock: VirtualClock, source: Observable<T>): Promise<T[]> =>
  settleWith(clock, lastValueFrom(source.pipe(toArray())));

/**
 * A started pool on the virtual clock whose worker returns `n * 2` after `n` ms (or `ms(n)`),
 * with every worker ready; `running` counts the tasks on workers now, `maxRunning` the most.
 */
export async function doubler(
  options: { size?: number; capacity?: number; ms?: (n: number) => number } = {},
) {
  const clock = createVirtualClock();
  const ms = options.ms ?? ((n: number) => n);
  const stats = { running: 0, maxRunning: 0 };
  const pool = createPool({
    worker: async (n: number) => {
      stats.maxRunning = Math.max(stats.maxRunning, ++stats.running);
      try {
        return await after(clock, ms(n), n * 2);
      } finally {
        stats.running--;
      }
    },
    size: options.size ?? 1,
    queue: { capacity: options.capacity ?? 10_000 },
    clock,
  }).start();
  await clock.flush();
  return { clock, pool, stats };
}

/**
 * The pool seen through a proxy that counts what has been submitted and not yet settled (what
 * the operator has in the pool), and the most there ever were.
 */
export function counting<TInput, TOutput>(pool: Pool<TInput, TOutput>) {
  const stats = { inFlight: 0, maxInFlight: 0 };
  const proxy = new Proxy(pool, {
    get(target, prop) {
      if (prop === 'submit') {
        return (input: TInput, options?: Parameters<Pool<TInput, TOutput>['submit']>[1]) => {
          stats.maxInFlight = Math.max(stats.maxInFlight, ++stats.inFlight);
          return target.submit(input, options).finally(() => stats.inFlight--);
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
  return { proxy, stats };
}
