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

/** V8's full collection: `gc` when node runs with `--expose-gc`, otherwise exposed at run time. */
const fullGc =
  globalThis.gc ??
  (() => {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc');
  })();

/**
 * Two full garbage collections back to back, so that every measurement starts from a collected
 * heap that owes no work. After one, V8 sweeps the freed pages lazily and in the background: the
 * code timed next pays for sweeping whatever the previous measurement left (its allocations take
 * the sweep on, and the sweeper threads take a core), so a library timed after one that made a
 * million closures ran at half speed (submitMany 2.25M tasks/s right after p-queue's `addAll`,
 * 4.4–5M/s in the runs after). V8 finishes that sweeping before it starts a second collection,
 * which itself frees next to nothing: measured the same way, 4.99M/s right after p-queue.
 */
export function collectGarbage() {
  fullGc();
  fullGc();
}

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
