/**
 * Start and close time by pool size: a fresh pool of trivial async workers, timed from
 * `start()` until it is `running` (and how long `start()` itself blocks the event loop), then from
 * `close()` until it resolves. Troupe alone: its peers have no start (p-queue) or start threads.
 */
import { createPool } from '@troupe/core';
import { collectGarbage, median, until } from './util.mjs';

export const LIFECYCLE_SIZES = [10, 1_000, 10_000];

async function sample(size) {
  const pool = createPool({ worker: async (x) => x, size });
  collectGarbage();
  const t0 = performance.now();
  pool.start();
  const blocked = performance.now() - t0;
  await until(() => pool.getSnapshot().state === 'running');
  const started = performance.now() - t0;
  if ((await pool.run(1)) !== 1) throw new Error('the pool did not run its task');
  collectGarbage();
  const t1 = performance.now();
  await pool.close();
  const closed = performance.now() - t1;
  if (pool.getSnapshot().workers.length !== 0) throw new Error('workers left after close');
  return { blocked, started, closed };
}

/** Runs `rounds` rounds over every size (after one untimed warm-up round); returns medians in ms per size. */
export async function measureLifecycle({ rounds, sizes = LIFECYCLE_SIZES, log = () => {} }) {
  for (const size of sizes) await sample(size);
  const rows = sizes.map((size) => ({ size, samples: { blocked: [], started: [], closed: [] } }));
  for (let round = 0; round < rounds; round++) {
    for (const row of rows) {
      const s = await sample(row.size);
      for (const key of Object.keys(row.samples)) row.samples[key].push(s[key]);
    }
    log(`lifecycle: round ${round + 1}/${rounds}`);
  }
  return {
    rows: rows.map((row) => ({
      ...row,
      median: Object.fromEntries(Object.entries(row.samples).map(([k, v]) => [k, median(v)])),
    })),
  };
}
