/**
 * Priority dispatch: N trivial async tasks with random priorities (one seeded sequence, the same
 * for every library) submitted at once, then all awaited, on a Troupe priority pool (strict, and
 * with aging) and on p-queue's `priority` option, at equal concurrency. Higher runs first in both.
 */
import { createPool } from '@troupe/core';
import PQueue from 'p-queue';
import { collectGarbage, median, preallocate, seededRandom, until } from './util.mjs';

/**
 * Tasks submitted up front. p-queue's insertion costs more the longer its queue, so the ratio
 * depends on the count: the shorter queue shows dispatch with much less of that effect.
 */
export const PRIORITY_TASK_COUNTS = [200_000, 20_000];
export const PRIORITY_LEVELS = [3, 10];
// Concurrency barely matters here (the cost is in the queue) and p-queue takes seconds a run
// with 200,000 queued, so 64 is left out to keep the suite's time down.
export const PRIORITY_CONCURRENCIES = [1, 8];
export const AGING_EVERY_MS = 10;
/**
 * Rounds of the shorter rows, per round of the longer ones. A 20,000-task run lasts 40–150 ms,
 * so one collection or scheduler hiccup moves a sample by a third or more; the medians of those
 * rows take this many times the samples (the runs are cheap) to be as steady as the others'.
 */
export const SHORT_ROWS_ROUNDS_FACTOR = 3;
const SHORT_ROW_TASKS = 50_000;
export const PRIORITY_LIBRARIES = ['troupe', 'troupe-aging', 'p-queue'];
const SEED = 0x7e0b5;

const task = async (x) => x;

/** `n` priorities in `0 … levels-1` from the seeded generator: the same sequence on every call. */
function priorities(n, levels) {
  const random = seededRandom(SEED);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(random() * levels);
  return out;
}

/** One options object per level, shared by all the submits of that level in both libraries, so the timed loops allocate no options. */
const optionsByLevel = (levels) => Array.from({ length: levels }, (_, priority) => ({ priority }));

/** A priority pool of `concurrency` workers, running; with aging when `aging` is set. */
async function priorityPool(worker, levels, concurrency, aging) {
  const queue = { kind: 'priority', levels, capacity: Infinity };
  const pool = createPool({
    worker,
    size: concurrency,
    queue: aging ? { ...queue, aging: { everyMs: AGING_EVERY_MS } } : queue,
  }).start();
  await until(() => pool.getSnapshot().state === 'running');
  return pool;
}

async function troupe(aging, work, concurrency) {
  const { n, levels, prio, options } = work;
  const pool = await priorityPool(task, levels, concurrency, aging);
  const promises = preallocate(n);
  collectGarbage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) promises[i] = pool.submit(i, options[prio[i]]);
  const results = await Promise.all(promises);
  const ms = performance.now() - t0;
  const { completed } = pool.getSnapshot().metrics;
  if (completed !== n || results[n - 1]._tag !== 'Right' || results[n - 1].right !== n - 1) {
    throw new Error(`troupe (priority): ${completed} of ${n} tasks completed`);
  }
  await pool.close();
  return ms;
}

/** Each runner sets up its library untimed, times submit-all + await-all, checks, tears down; returns ms. */
const runners = {
  troupe: (work, concurrency) => troupe(false, work, concurrency),
  'troupe-aging': (work, concurrency) => troupe(true, work, concurrency),
  async 'p-queue'(work, concurrency) {
    const { n, prio, options } = work;
    const queue = new PQueue({ concurrency });
    const promises = preallocate(n);
    collectGarbage();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) promises[i] = queue.add(() => task(i), options[prio[i]]);
    const results = await Promise.all(promises);
    const ms = performance.now() - t0;
    if (results[n - 1] !== n - 1) throw new Error('p-queue (priority): wrong last result');
    return ms;
  },
};

/**
 * Untimed: both libraries run the same tasks in the same order (the first submit starts at
 * once, the rest by priority, first come first served within a level), so the timed runs
 * compare the same work. Aging is left out: its order depends on the clock.
 */
async function checkOrder(levels, n = 2_000) {
  const prio = priorities(n, levels);
  const options = optionsByLevel(levels);
  const rest = Array.from({ length: n - 1 }, (_, i) => i + 1);
  const expected = [0, ...rest.sort((a, b) => prio[b] - prio[a] || a - b)];
  const check = (library, order) => {
    const at = expected.findIndex((x, i) => order[i] !== x);
    if (order.length !== n || at !== -1) {
      throw new Error(`${library}: priority order differs from the expected one at position ${at}`);
    }
  };
  let order = [];
  const record = async (x) => order.push(x);
  const pool = await priorityPool(record, levels, 1, false);
  await Promise.all(Array.from({ length: n }, (_, i) => pool.submit(i, options[prio[i]])));
  await pool.close();
  check('troupe', order);
  order = [];
  const queue = new PQueue({ concurrency: 1 });
  await Promise.all(
    Array.from({ length: n }, (_, i) => queue.add(() => record(i), options[prio[i]])),
  );
  check('p-queue', order);
}

/** One pass over every work (task count and levels), concurrency and library; the library order rotates with `round`. */
async function runRound(round, works, onSample) {
  for (const work of works) {
    for (const concurrency of PRIORITY_CONCURRENCIES) {
      for (let k = 0; k < PRIORITY_LIBRARIES.length; k++) {
        const library = PRIORITY_LIBRARIES[(round + k) % PRIORITY_LIBRARIES.length];
        const ms = await runners[library](work, concurrency);
        onSample(work, concurrency, library, (work.n * 1000) / ms);
      }
    }
  }
}

const worksFor = (counts) =>
  counts.flatMap((n) =>
    PRIORITY_LEVELS.map((levels) => ({
      n,
      levels,
      prio: priorities(n, levels),
      options: optionsByLevel(levels),
    })),
  );

/**
 * Checks the order, runs one untimed warm-up round on the smallest count (p-queue's insertion
 * is O(queued), so a warm-up at 200,000 would cost most of a minute), then `rounds` timed ones
 * (`SHORT_ROWS_ROUNDS_FACTOR` times as many for the rows under 50,000 tasks).
 * Returns `{ agingEveryMs, rows }`, rows
 * `{ n, levels, concurrency, samples: {lib: number[]}, median: {lib: tasks/s} }`.
 */
export async function measurePriority({ rounds, counts = PRIORITY_TASK_COUNTS, log = () => {} }) {
  for (const levels of PRIORITY_LEVELS) await checkOrder(levels);
  const works = worksFor(counts);
  const rows = works.flatMap(({ n, levels }) =>
    PRIORITY_CONCURRENCIES.map((concurrency) => ({
      n,
      levels,
      concurrency,
      samples: Object.fromEntries(PRIORITY_LIBRARIES.map((lib) => [lib, []])),
      median: {},
    })),
  );
  const rowOf = ({ n, levels }, concurrency) =>
    rows.find((r) => r.n === n && r.levels === levels && r.concurrency === concurrency);
  log('priority: order checked; warm-up round');
  await runRound(0, worksFor([Math.min(...counts)]), () => {});
  const shortWorks = works.filter((work) => work.n < SHORT_ROW_TASKS);
  const allRounds = rounds * (shortWorks.length > 0 ? SHORT_ROWS_ROUNDS_FACTOR : 1);
  for (let round = 1; round <= allRounds; round++) {
    const t0 = performance.now();
    await runRound(
      round,
      round <= rounds ? works : shortWorks,
      (work, concurrency, library, perSecond) =>
        rowOf(work, concurrency).samples[library].push(perSecond),
    );
    log(
      `priority: round ${round}/${allRounds} (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );
  }
  for (const row of rows) {
    for (const lib of PRIORITY_LIBRARIES) row.median[lib] = median(row.samples[lib]);
  }
  return { agingEveryMs: AGING_EVERY_MS, rows };
}
