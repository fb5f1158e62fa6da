// CPU-bound work on worker threads: 64 blocks of 256 KiB, each hashed 200 times over, on a
// pool of threads that grows with the work (up to one per core) and shrinks when idle. The
// inputs are moved to the threads (transfer), not copied; progress is shown while it runs.
import { availableParallelism } from 'node:os';
import { createPool } from '@troupe/core';
import { fromWorkerThread, threadStats, transfer } from '@troupe/threads';

const BLOCKS = 64;
const pool = createPool({
  name: 'hash',
  worker: fromWorkerThread(new URL('./hash.worker.mjs', import.meta.url), {
    export: 'digest',
    concurrency: 2, // one running, one waiting in the thread: no gap between tasks
  }),
  size: { min: 1, max: availableParallelism(), idleTimeoutMs: 500 },
  timeoutMs: 30_000, // a runaway task is stopped by terminating its thread
}).start();

const t0 = performance.now();
const progress = setInterval(() => {
  const { size, metrics } = pool.getSnapshot();
  process.stdout.write(
    `\r${metrics.completed}/${BLOCKS} blocks hashed, ${size} threads, ${metrics.active} running, ${metrics.queued} queued  `,
  );
}, 100);

const jobs = Array.from({ length: BLOCKS }, (_, i) => {
  const bytes = new Uint8Array(256 * 1024).fill(i);
  return pool.run(transfer({ bytes, rounds: 200 }, [bytes.buffer]));
});
const digests = await Promise.all(jobs);
clearInterval(progress);

const seconds = (performance.now() - t0) / 1000;
const { metrics } = pool.getSnapshot();
console.log(
  `\n${BLOCKS} blocks in ${seconds.toFixed(2)} s; first digest ${Buffer.from(digests[0]).toString('hex').slice(0, 16)}…`,
);
console.log(
  `completed ${metrics.completed}, failed ${metrics.failed}, crashes ${metrics.crashes}; ` +
    `latency p50 ${metrics.latency.p50.toFixed(0)} ms, p99 ${metrics.latency.p99.toFixed(0)} ms; ` +
    `threads busy ${(100 * metrics.utilisation).toFixed(0)} %`,
);
await pool.close();
console.log(`threads still running after close: ${threadStats().live}`);
