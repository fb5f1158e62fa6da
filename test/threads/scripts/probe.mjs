import { createPool } from '@troupe/core';
import { fromWorkerThread } from '@troupe/threads';
const pool = createPool({
  worker: fromWorkerThread(new URL('../fixtures/tasks.mjs', import.meta.url)),
  size: 1,
}).start();
console.log(await pool.run(42));
await pool.close();
