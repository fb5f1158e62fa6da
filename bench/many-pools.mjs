/**
 * Many small pools, as per-tenant systems have them: 10,000 pools of 2 trivial workers, each
 * started and given one task. Time until every pool has given its first result, the heap they
 * hold then, and the time to close them all. Each sample is a fresh `node --expose-gc` child
 * (many-pools-child.mjs), so no heap or compiled code of another section blurs it.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { median } from './util.mjs';

export const MANY_POOLS = 10_000;
/** This build, and the floor under it: a pool's actors alone over a stub engine (xstate-floor.mjs). */
export const MANY_POOLS_LIBRARIES = ['troupe', 'xstate floor'];
const FIGURES = [
  'createdMs',
  'readyMs',
  'readyCpuMs',
  'closedMs',
  'closedCpuMs',
  'heldBytes',
  'heapBytes',
  'rssBytes',
];

const child = fileURLToPath(new URL('./many-pools-child.mjs', import.meta.url));
const run = promisify(execFile);

async function sample(library, n, baseline) {
  const { stdout } = await run(process.execPath, ['--expose-gc', child, library, String(n)], {
    maxBuffer: 1 << 20,
    // The earlier build's `@troupe/core` (`--baseline`), for the `troupe before` child.
    env: baseline === undefined ? process.env : { ...process.env, TROUPE_BEFORE: baseline.coreUrl },
  });
  return JSON.parse(stdout);
}

/**
 * Runs `rounds` rounds, one child per library each, in alternating order. Returns `{ n, samples,
 * median }`, each by library and then by figure (`createdMs`, `readyMs`, `readyCpuMs`, `closedMs`,
 * `closedCpuMs`, `heldBytes` = heap + external, `heapBytes`, `rssBytes`): this build, the XState
 * floor, and with `baseline` (`prepareBaseline`) the earlier build as `troupe before`.
 */
export async function measureManyPools({ rounds, n = MANY_POOLS, log = () => {}, baseline }) {
  const libraries = [...MANY_POOLS_LIBRARIES, ...(baseline === undefined ? [] : ['troupe before'])];
  const samples = Object.fromEntries(
    libraries.map((lib) => [lib, Object.fromEntries(FIGURES.map((f) => [f, []]))]),
  );
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? libraries : [...libraries].reverse();
    for (const library of order) {
      const s = await sample(library, n, baseline);
      for (const f of FIGURES) samples[library][f].push(s[f]);
    }
    log(`many-pools: round ${round + 1}/${rounds}`);
  }
  const medians = Object.fromEntries(
    libraries.map((lib) => [
      lib,
      Object.fromEntries(FIGURES.map((f) => [f, median(samples[lib][f])])),
    ]),
  );
  return { n, samples, median: medians };
}
