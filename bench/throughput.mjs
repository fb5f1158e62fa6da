/**
 * Throughput: N tasks submitted at once, then all awaited, on Troupe, p-queue and p-limit at
 * equal concurrency, and on a bare limiter (`bare-limiter.mjs`) as the reference for what any
 * limiter could reach. Each has its own timed loop, so no call site is shared between them.
 */
import { createPool } from '@troupe/core';
import pLimit from 'p-limit';
import PQueue from 'p-queue';
import { collectGarbage, median, preallocate, until } from './util.mjs';
import { bareLimiter } from './bare-limiter.mjs';

export const TASKS = 200_000;
export const CONCURRENCIES = [1, 8, 64];
export const LIBRARIES = ['troupe', 'p-queue', 'p-limit', 'bare limiter'];
/** The name of the earlier build's column (`--baseline`). */
export const BEFORE = 'troupe before';

/** `createPool` of the earlier build, when one is measured beside this one. */
let createPoolBefore;
export const CASES = [
  { id: 'trivial', label: 'trivial async task', task: async (x) => x },
  {
    id: 'immediate',
    label: 'task awaiting one setImmediate',
    task: (x) => new Promise((r) => setImmediate(() => r(x))),
  },
];

/** Each runner sets up its library untimed, times submit-all + await-all, checks, tears down; returns ms. */
const runners = {
  async troupe(task, concurrency, n) {
    const pool = createPool({
      worker: task,
      size: concurrency,
      queue: { capacity: Infinity },
    }).start();
    await until(() => pool.getSnapshot().state === 'running');
    const promises = preallocate(n);
    collectGarbage();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) promises[i] = pool.submit(i);
    const results = await Promise.all(promises);
    const ms = performance.now() - t0;
    const { completed } = pool.getSnapshot().metrics;
    if (completed !== n || results[n - 1]._tag !== 'Right' || results[n - 1].right !== n - 1) {
      throw new Error(`troupe: ${completed} of ${n} tasks completed`);
    }
    await pool.close();
    return ms;
  },
  // The same as `troupe`, written out again on purpose: a call site shared by two builds'
  // pools would see two classes of each object and slow both down.
  async [BEFORE](task, concurrency, n) {
    const pool = createPoolBefore({
      worker: task,
      size: concurrency,
      queue: { capacity: Infinity },
    }).start();
    await until(() => pool.getSnapshot().state === 'running');
    const promises = preallocate(n);
    collectGarbage();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) promises[i] = pool.submit(i);
    const results = await Promise.all(promises);
    const ms = performance.now() - t0;
    const { completed } = pool.getSnapshot().metrics;
    if (completed !== n || results[n - 1]._tag !== 'Right' || results[n - 1].right !== n - 1) {
      throw new Error(`${BEFORE}: ${completed} of ${n} tasks completed`);
    }
    await pool.close();
    return ms;
  },
  async 'p-queue'(task, concurrency, n) {
    const queue = new PQueue({ concurrency });
    const promises = preallocate(n);
    collectGarbage();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) promises[i] = queue.add(() => task(i));
    const results = await Promise.all(promises);
    const ms = performance.now() - t0;
    if (results[n - 1] !== n - 1) throw new Error('p-queue: wrong last result');
    return ms;
  },
  async 'p-limit'(task, concurrency, n) {
    const limit = pLimit(concurrency);
    const promises = preallocate(n);
    collectGarbage();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) promises[i] = limit(() => task(i));
    const results = await Promise.all(promises);
    const ms = performance.now() - t0;
    if (results[n - 1] !== n - 1) throw new Error('p-limit: wrong last result');
    return ms;
  },
  async 'bare limiter'(task, concurrency, n) {
    const limit = bareLimiter(concurrency);
    const promises = preallocate(n);
    collectGarbage();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) promises[i] = limit(() => task(i));
    const results = await Promise.all(promises);
    const ms = performance.now() - t0;
    if (results[n - 1] !== n - 1) throw new Error('bare limiter: wrong last result');
    return ms;
  },
};

/** One pass over every case, concurrency and library; the library order rotates with `round`. */
async function runRound(libraries, round, n, onSample) {
  for (const { id, task } of CASES) {
    for (const concurrency of CONCURRENCIES) {
      for (let k = 0; k < libraries.length; k++) {
        const library = libraries[(round + k) % libraries.length];
        const ms = await runners[library](task, concurrency, n);
        onSample(id, concurrency, library, (n * 1000) / ms);
      }
    }
  }
}

/**
 * Runs one untimed warm-up round, then `rounds` timed ones; with `baseline` (an earlier build's
 * `@troupe/core` module) its pool runs too, as the `troupe before` column.
 * Returns rows `{ caseId, label, concurrency, samples: {lib: number[]}, median: {lib: tasks/s} }`.
 */
export async function measureThroughput({ rounds, n = TASKS, log = () => {}, baseline }) {
  createPoolBefore = baseline?.createPool;
  const libraries = baseline === undefined ? LIBRARIES : [...LIBRARIES, BEFORE];
  const rows = CASES.flatMap(({ id, label }) =>
    CONCURRENCIES.map((concurrency) => ({
      caseId: id,
      label,
      concurrency,
      samples: Object.fromEntries(libraries.map((lib) => [lib, []])),
      median: {},
    })),
  );
  const rowOf = (id, concurrency) =>
    rows.find((r) => r.caseId === id && r.concurrency === concurrency);
  log('throughput: warm-up round');
  await runRound(libraries, 0, n, () => {});
  for (let round = 1; round <= rounds; round++) {
    const t0 = performance.now();
    await runRound(libraries, round, n, (id, concurrency, library, perSecond) =>
      rowOf(id, concurrency).samples[library].push(perSecond),
    );
    log(`throughput: round ${round}/${rounds} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
  for (const row of rows) for (const lib of libraries) row.median[lib] = median(row.samples[lib]);
  return rows;
}
