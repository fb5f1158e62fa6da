/**
 * Tasks on threads write to stdout and stderr, then the script closes the pool at once and
 * says so: `node task-output.mjs <lines>`. Every line a task wrote must come before `closed`.
 */
import { createPool } from '@troupe/core';
import { fromWorkerThread } from '@troupe/threads';

const lines = Number(process.argv[2] ?? 2);

const pool = createPool({
  worker: fromWorkerThread(new URL('../fixtures/tasks.mjs', import.meta.url), {
    export: 'writes',
    concurrency: 2,
  }),
  size: 2,
}).start();
await Promise.all(['a', 'b', 'c', 'd'].map((tag) => pool.run({ tag, lines })));
await pool.close();
console.log('closed');
console.error('closed');
