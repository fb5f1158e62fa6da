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

async function sample(library, n) {
  const { stdout } = await run(process.execPath, ['--expose-gc', child, library, String(n)], {
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout).bytesPerTask;
}

/** Runs `rounds` rounds, one child per library each, in alternating order; returns `{ samples, median }` by library. */
export async function measureMemory({ rounds, n = QUEUED, log = () => {} }) {
  const samples = Object.fromEntries(MEMORY_LIBRARIES.map((lib) => [lib, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? MEMORY_LIBRARIES : [...MEMORY_LIBRARIES].reverse();
    for (const library of order) samples[library].push(await sample(library, n));
    log(`memory: round ${round + 1}/${rounds}`);
  }
  const medians = Object.fromEntries(MEMORY_LIBRARIES.map((lib) => [lib, median(samples[lib])]));
  return { n, samples, median: medians };
}
