/** Small helpers shared by the benchmark files. */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** The median of a non-empty list of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Resolves on a later event-loop turn once `condition()` holds. */
export async function until(condition) {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

/** An array of `n` slots allocated up front, so that filling it allocates nothing. */
export function preallocate(n) {
  const array = [];
  for (let i = 0; i < n; i++) array.push(undefined);
  return array;
}

/**
 * A full garbage collection: `gc` when node runs with `--expose-gc`, otherwise exposed at run
 * time (`pnpm bench` runs plain `node`), so every measurement starts from a collected heap.
 */
export const collectGarbage =
  globalThis.gc ??
  (() => {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc');
  })();

/**
 * A seeded generator of numbers in [0, 1) (mulberry32): the same seed gives the same sequence,
 * so every library in a comparison gets the same random inputs.
 */
export function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
