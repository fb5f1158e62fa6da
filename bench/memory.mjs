/**
 * Bytes per queued task, Troupe vs p-queue: each sample is a fresh `node --expose-gc` child
 * (memory-child.mjs), so no heap left over from another measurement can blur it.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { median } from './util.mjs';

export const QUEUED = 1_000_000;
export const MEMORY_LIBRARIES = ['troupe', 'p-queue'];

const child = fileURLToPath(new URL('./memory-child.mjs', import.meta.url));
const run = promisify(execFile);

async function sample(library, n, baseline) {
  const { stdout } = await run(process.execPath, ['--expose-gc', child, library, String(n)], {
    maxBuffer: 1 << 20,
    // The earlier build's `@troupe/core` (`--baseline`), for the `troupe before` child.
    env: baseline === undefined ? process.env : { ...process.env, TROUPE_BEFORE: baseline.coreUrl },
  });
  return JSON.parse(stdout).bytesPerTask;
}

/**
 * Runs `rounds` rounds, one child per library each, in alternating order; returns `{ samples,
 * median }` by library. With `baseline` (`prepareBaseline`), the earlier build as `troupe before`.
 */
export async function measureMemory({ rounds, n = QUEUED, log = () => {}, baseline }) {
  const libraries =
    baseline === undefined ? MEMORY_LIBRARIES : [...MEMORY_LIBRARIES, 'troupe before'];
  const samples = Object.fromEntries(libraries.map((lib) => [lib, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? libraries : [...libraries].reverse();
    for (const library of order) samples[library].push(await sample(library, n, baseline));
    log(`memory: round ${round + 1}/${rounds}`);
  }
  const medians = Object.fromEntries(libraries.map((lib) => [lib, median(samples[lib])]));
  return { n, samples, median: medians };
}
