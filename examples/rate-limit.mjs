// Rate limiting: at most `limit` task starts in any window of `intervalMs` (an API quota), on
// top of the concurrency limit. Each start's token comes back exactly intervalMs later, so a
// quiet pool may start `limit` at once, but no window ever holds more than `limit` starts.
import { createPool } from '@troupe/core';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const starts = [];
const t0 = performance.now();

const pool = createPool({
  name: 'api',
  size: 4, // up to 4 calls at once …
  rate: { limit: 5, intervalMs: 200 }, // … and at most 5 starts in any 200 ms
  worker: async (n) => {
    starts.push({ n, at: performance.now() - t0 });
    await sleep(10);
    return n;
  },
}).start();

const results = await Promise.all(Array.from({ length: 17 }, (_, n) => pool.run(n)));
const elapsed = performance.now() - t0;

// Starts grouped by 200 ms step: 5, 5, 5, 2 — a burst, then the tokens come back.
for (let step = 0; step * 200 < elapsed; step++) {
  const inStep = starts.filter((s) => s.at >= step * 200 && s.at < (step + 1) * 200);
  const list = inStep.map((s) => `#${s.n}@${Math.round(s.at)}`).join(' ');
  console.log(
    `${String(step * 200).padStart(4)}–${(step + 1) * 200} ms: ${inStep.length} starts  ${list}`,
  );
}

console.log(`results in order: ${results.join(',') === [...Array(17).keys()].join(',')}`);

const { metrics } = pool.getSnapshot();
console.log(
  `throttledMs: ${Math.round(metrics.throttledMs)} ms (work waiting, a worker free, no start allowed)`,
);
await pool.close();
