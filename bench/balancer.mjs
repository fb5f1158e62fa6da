/**
 * Balancer throughput: N trivial async tasks submitted at once through a balancer (default
 * strategy) over two pools of size 4, against one pool of size 8, in the same run; and the same
 * two pools behind nothing but one `.then` per task, the floor of any layer that maps a promise. Each has its
 * own timed loop, so no call site is shared between them.
 */
import { createBalancer, createPool } from '@troupe/core';
import { collectGarbage, median, preallocate, until } from './util.mjs';

export const BALANCER_TASKS = 200_000;
export const BALANCER_VARIANTS = ['pool', 'balancer', 'then'];
const task = async (x) => x;

async function runningPool(size) {
  const pool = createPool({ worker: task, size, queue: { capacity: Infinity } }).start();
  await until(() => pool.getSnapshot().state === 'running');
  return pool;
}

function check(what, completed, results, n) {
  const last = results[n - 1];
  if (completed !== n || last._tag !== 'Right' || last.right !== n - 1)
    throw new Error(`${what}: ${completed} of ${n} tasks completed`);
}

/** Each runner sets up untimed, times submit-all + await-all, checks, tears down; returns ms. */
const runners = {
  async pool(n) {
    const pool = await runningPool(8);
    const promises = preallocate(n);
    collectGarbage();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) promises[i] = pool.submit(i);
    const results = await Promise.all(promises);
    const ms = performance.now() - t0;
    check('pool of 8', pool.getSnapshot().metrics.completed, results, n);
    await pool.close();
    return ms;
  },
  async balancer(n) {
    const pools = [await runningPool(4), await runningPool(4)];
    const balancer = createBalancer({ pools, capacity: Infinity });
    const promises = preallocate(n);
    collectGarbage();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) promises[i] = balancer.submit(i);
    const results = await Promise.all(promises);
    const ms = performance.now() - t0;
    check('balancer over 2 × 4', balancer.getSnapshot().metrics.completed, results, n);
    await balancer.close();
    await Promise.all(pools.map((p) => p.close()));
    return ms;
  },
  /**
   * The floor of any layer that hands back its own promise for a member's: the two pools of 4
   * fed alternately, each submit's promise mapped by one `.then` and nothing else.
   */
  async then(n) {
    const [a, b] = [await runningPool(4), await runningPool(4)];
    const promises = preallocate(n);
    const same = (r) => r;
    collectGarbage();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) promises[i] = (i & 1 ? b : a).submit(i).then(same);
    const results = await Promise.all(promises);
    const ms = performance.now() - t0;
    const completed = a.getSnapshot().metrics.completed + b.getSnapshot().metrics.completed;
    check('2 × 4 with one .then', completed, results, n);
    await Promise.all([a.close(), b.close()]);
    return ms;
  },
};

/**
 * One untimed warm-up round on a tenth of the tasks, then `rounds` timed ones, the two variants
 * back to back in an order that rotates. Returns `{ n, samples, median, ratio, perRound }`
 * (tasks/s; ratio = balancer / pool of the medians; perRound the ratio within each round;
 * `median.then` is the floor of one `.then` per task over the same two pools).
 */
export async function measureBalancer({ rounds, n = BALANCER_TASKS, log = () => {} }) {
  log('balancer: warm-up round');
  for (const v of BALANCER_VARIANTS) await runners[v](Math.ceil(n / 10));
  const samples = { pool: [], balancer: [], then: [] };
  for (let round = 1; round <= rounds; round++) {
    for (let k = 0; k < BALANCER_VARIANTS.length; k++) {
      const v = BALANCER_VARIANTS[(round + k) % BALANCER_VARIANTS.length];
      samples[v].push((n * 1000) / (await runners[v](n)));
    }
    log(`balancer: round ${round}/${rounds}`);
  }
  const med = {
    pool: median(samples.pool),
    balancer: median(samples.balancer),
    then: median(samples.then),
  };
  const perRound = samples.balancer.map((b, i) => b / samples.pool[i]);
  return { n, samples, median: med, ratio: med.balancer / med.pool, perRound };
}
