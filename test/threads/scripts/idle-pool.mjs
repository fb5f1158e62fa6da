/**
 * A script that runs tasks on a thread pool and never closes it: `node idle-pool.mjs
 * <concurrency>`. Once its tasks are done the idle pool must not keep the process alive.
 */
import { createPool } from '@troupe/core';
import { fromWorkerThread } from '@troupe/threads';

const [concurrency = '1'] = process.argv.slice(2);

const pool = createPool({
  worker: fromWorkerThread(new URL('../fixtures/tasks.mjs', import.meta.url), {
    concurrency: Number(concurrency),
  }),
  size: 2,
}).start();
const outputs = await Promise.all([1, 2, 3, 4, 5].map((n) => pool.run(n)));
console.log(`done: ${outputs.join(' ')}`);
