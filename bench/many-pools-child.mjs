/**
 * One many-pools measurement, in a fresh process (`node --expose-gc many-pools-child.mjs <library> <n>`):
 * create `n` pools of 2 trivial workers, start each and run one task through it; time until every
 * pool has given its first result, measure the heap they hold then, close them all and time that.
 * Prints the figures as JSON. `xstate floor` is a pool's actors alone, over a stub engine
 * (xstate-floor.mjs): what no pool with an actor per pool and per worker can start for less.
 */
import { createPool } from '@troupe/core';
import { floorPool } from './xstate-floor.mjs';

const [library, count = '10000'] = process.argv.slice(2);
const n = Number(count);
const gc = globalThis.gc;
if (typeof gc !== 'function') throw new Error('many-pools-child.mjs needs node --expose-gc');

async function creator() {
  if (library === 'troupe') return createPool;
  if (library === 'xstate floor') return floorPool;
  if (library === 'troupe before') {
    const before = process.env.TROUPE_BEFORE;
    if (before === undefined)
      throw new Error(
        `'${library}' needs TROUPE_BEFORE: the URL of the earlier build's @troupe/core`,
      );
    return (await import(before)).createPool;
  }
  throw new Error(`unknown library '${library}': troupe | troupe before | xstate floor`);
}

/** The heap and the memory outside it that JavaScript objects hold (array buffers), after full collections. */
function memoryAfterGc() {
  gc();
  gc();
  const { heapUsed, external, rss } = process.memoryUsage();
  return { held: heapUsed + external, heapUsed, rss };
}

/** CPU time of the process so far (ms): what the pools cost, however busy the machine is. */
const cpu = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

const create = await creator();
const worker = async (x) => x;
// Warm the code paths on a few pools first, so that the timed run is not a first compile.
await Promise.all(
  Array.from({ length: 50 }, async (_, i) => {
    const pool = create({ worker, size: 2 }).start();
    await pool.run(i);
    await pool.close();
  }),
);

const pools = new Array(n).fill(undefined);
const outputs = new Array(n).fill(undefined);
const before = memoryAfterGc();
const c0 = cpu();
const t0 = performance.now();
for (let i = 0; i < n; i++) pools[i] = create({ worker, size: 2 }).start();
const created = performance.now() - t0;
await Promise.all(pools.map(async (pool, i) => (outputs[i] = await pool.run(i))));
const ready = performance.now() - t0;
const readyCpu = cpu() - c0;
const after = memoryAfterGc();
for (let i = 0; i < n; i++)
  if (outputs[i] !== i) throw new Error(`${library}: pool ${i} gave ${outputs[i]}, expected ${i}`);

const c1 = cpu();
const t1 = performance.now();
await Promise.all(pools.map((pool) => pool.close()));
const closed = performance.now() - t1;
const closedCpu = cpu() - c1;
for (const pool of pools)
  if (pool.getSnapshot().state !== 'stopped') throw new Error(`${library}: a pool did not stop`);

process.stdout.write(
  `${JSON.stringify({
    library,
    n,
    createdMs: created,
    readyMs: ready,
    readyCpuMs: readyCpu,
    closedMs: closed,
    closedCpuMs: closedCpu,
    heldBytes: after.held - before.held,
    heapBytes: after.heapUsed - before.heapUsed,
    rssBytes: after.rss - before.rss,
  })}\n`,
);
