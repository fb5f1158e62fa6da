/**
 * `submitMany` throughput: N inputs through a trivial worker, all results in input order, on
 * `pool.submitMany(inputs)`, on `pool.submit` in a loop + `Promise.all`, on p-queue's `addAll`,
 * and on a bare loop that calls the same worker with no pool at all (the floor). Each variant
 * has its own timed loop, so no call site is shared between them.
 */
import { createPool } from '@troupe/core';
import PQueue from 'p-queue';
import { collectGarbage, median, preallocate, until } from './util.mjs';

export const MANY_TASKS = 1_000_000;
export const MANY_SIZES = [1, 8];
export const MANY_VARIANTS = ['submitMany', 'submit', 'p-queue', 'bare'];

/**
 * The floor for a synchronous worker: call it, store the result. No promise, no queue.
 */
function bareSync(worker, inputs, results) {
  for (let i = 0; i < inputs.length; i++) results[i] = worker(inputs[i]);
}

/**
 * The floor for an async worker: call it and await it, one after another. This is the cheapest
 * correct way to get every output in order (one promise and one await per call), and it is
 * what a size-1 pool does. `Promise.all` over all the calls would be slower (a million
 * promises pending at once, one resolve closure each), so it would flatter the pool;
 * submitMany itself keeps one promise for the lot, not one per task.
 */
async function bareAsync(worker, inputs, results) {
  for (let i = 0; i < inputs.length; i++) results[i] = await worker(inputs[i]);
}

export const MANY_CASES = [
  { id: 'sync', label: 'trivial sync worker `(n) => n`', worker: (n) => n, bare: bareSync },
  {
    id: 'async',
    label: 'trivial async worker `async (n) => n`',
    worker: async (n) => n,
    bare: bareAsync,
  },
];

async function runningPool(worker, size) {
  const pool = createPool({ worker, size, queue: { capacity: Infinity } }).start();
  await until(() => pool.getSnapshot().state === 'running');
  return pool;
}

function checkTroupe(variant, pool, results, n) {
  const { completed } = pool.getSnapshot().metrics;
  const last = results[n - 1];
  if (completed !== n || results.length !== n || last._tag !== 'Right' || last.right !== n - 1) {
    throw new Error(`troupe ${variant}: ${completed} of ${n} tasks completed`);
  }
}

/** Each runner sets up untimed, times from the inputs array to all outputs, checks, tears down; returns ms. */
const runners = {
  async submitMany({ worker }, size, inputs) {
    const n = inputs.length;
    const pool = await runningPool(worker, size);
    collectGarbage();
    const t0 = performance.now();
    const results = await pool.submitMany(inputs);
    const ms = performance.now() - t0;
    checkTroupe('submitMany', pool, results, n);
    await pool.close();
    return ms;
  },
  async submit({ worker }, size, inputs) {
    const n = inputs.length;
    const pool = await runningPool(worker, size);
    const promises = preallocate(n);
    collectGarbage();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) promises[i] = pool.submit(inputs[i]);
    const results = await Promise.all(promises);
    const ms = performance.now() - t0;
    checkTroupe('submit', pool, results, n);
    await pool.close();
    return ms;
  },
  async 'p-queue'({ worker }, size, inputs) {
    const n = inputs.length;
    const queue = new PQueue({ concurrency: size });
    collectGarbage();
    const t0 = performance.now();
    // addAll takes functions: making them from the inputs is part of the call's cost.
    const results = await queue.addAll(inputs.map((x) => () => worker(x)));
    const ms = performance.now() - t0;
    if (results.length !== n || results[n - 1] !== n - 1) throw new Error('p-queue: wrong results');
    return ms;
  },
  async bare({ worker, bare }, _size, inputs) {
    const n = inputs.length;
    const results = preallocate(n);
    collectGarbage();
    const t0 = performance.now();
    await bare(worker, inputs, results);
    const ms = performance.now() - t0;
    if (results[n - 1] !== n - 1) throw new Error('bare loop: wrong last result');
    return ms;
  },
};

/** One pass over every case, size and variant; the variant order rotates with `round`. */
async function runRound(round, inputs, onSample) {
  for (const c of MANY_CASES) {
    for (const size of MANY_SIZES) {
      for (let k = 0; k < MANY_VARIANTS.length; k++) {
        const variant = MANY_VARIANTS[(round + k) % MANY_VARIANTS.length];
        const ms = await runners[variant](c, size, inputs);
        onSample(c.id, size, variant, (inputs.length * 1000) / ms);
      }
    }
  }
}

const range = (n) => Array.from({ length: n }, (_, i) => i);

/**
 * Runs one untimed warm-up round on a tenth of the inputs (a full one would take a minute),
 * then `rounds` timed ones. Returns `{ n, rows }`, rows
 * `{ caseId, label, size, samples: {variant: number[]}, median: {variant: tasks/s} }`.
 */
export async function measureSubmitMany({ rounds, n = MANY_TASKS, log = () => {} }) {
  const rows = MANY_CASES.flatMap(({ id, label }) =>
    MANY_SIZES.map((size) => ({
      caseId: id,
      label,
      size,
      samples: Object.fromEntries(MANY_VARIANTS.map((v) => [v, []])),
      median: {},
    })),
  );
  const rowOf = (id, size) => rows.find((r) => r.caseId === id && r.size === size);
  log('submit-many: warm-up round');
  await runRound(0, range(Math.ceil(n / 10)), () => {});
  const inputs = range(n);
  for (let round = 1; round <= rounds; round++) {
    const t0 = performance.now();
    await runRound(round, inputs, (id, size, variant, perSecond) =>
      rowOf(id, size).samples[variant].push(perSecond),
    );
    log(
      `submit-many: round ${round}/${rounds} (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );
  }
  for (const row of rows) for (const v of MANY_VARIANTS) row.median[v] = median(row.samples[v]);
  return { n, rows };
}
