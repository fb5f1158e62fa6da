/**
 * One memory measurement, in a fresh process (`node --expose-gc memory-child.mjs <library> <n>`):
 * block the single worker on a gate, enqueue `n` tasks, and print the heap growth per task as JSON.
 */
import { createPool } from '@troupe/core';
import PQueue from 'p-queue';
import { preallocate, until } from './util.mjs';

const [library, count = '1000000'] = process.argv.slice(2);
const n = Number(count);
const gc = globalThis.gc;
if (typeof gc !== 'function') throw new Error('memory-child.mjs needs node --expose-gc');

let open;
const gate = new Promise((resolve) => (open = resolve));
/** The same task for both libraries: task 0 holds the only worker until the gate opens. */
const task = async (x) => {
  if (x === 0) await gate;
  return x;
};

/** Starts the library with its one worker blocked; returns how to enqueue, count and finish. */
async function blocked() {
  if (library === 'troupe' || library === 'troupe before') {
    // (One library per process: the earlier build's pool shares no call site with this one's.)
    const before = process.env.TROUPE_BEFORE;
    if (library !== 'troupe' && before === undefined)
      throw new Error(
        `'${library}' needs TROUPE_BEFORE: the URL of the earlier build's @troupe/core`,
      );
    const create = library === 'troupe' ? createPool : (await import(before)).createPool;
    const pool = create({ worker: task, size: 1, queue: { capacity: Infinity } }).start();
    await until(() => pool.getSnapshot().state === 'running');
    const first = pool.submit(0);
    await until(() => pool.getSnapshot().metrics.active === 1);
    return {
      first,
      enqueue: (i) => pool.submit(i),
      queued: () => pool.getSnapshot().metrics.queued,
      finish: () => pool.close(),
    };
  }
  if (library === 'p-queue') {
    const queue = new PQueue({ concurrency: 1 });
    const first = queue.add(() => task(0));
    await until(() => queue.pending === 1);
    return {
      first,
      enqueue: (i) => queue.add(() => task(i)),
      queued: () => queue.size,
      finish: () => queue.onIdle(),
    };
  }
  throw new Error(`unknown library '${library}': troupe | troupe before | p-queue`);
}

function heapAfterGc() {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

const lib = await blocked();
const promises = preallocate(n);
const before = heapAfterGc();
for (let i = 0; i < n; i++) promises[i] = lib.enqueue(i + 1);
const after = heapAfterGc();
if (lib.queued() !== n) throw new Error(`${library}: ${lib.queued()} queued, expected ${n}`);

open();
await Promise.all([lib.first, ...promises]);
await lib.finish();
process.stdout.write(
  `${JSON.stringify({ library, n, before, after, bytesPerTask: (after - before) / n })}\n`,
);
