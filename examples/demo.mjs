// Troupe demo: a pool of 8 in-process workers "resizing images" (simulated async work with
// some failures, a few hangs and a few broken workers), supervised and retried, with live
// progress from metrics$ and a metrics summary; then a pool of worker threads hashing blocks.
import { createPool, fromAsync, WorkerCrashedError } from '@troupe/core';

const TASKS = Number(process.env.DEMO_TASKS ?? 3_000);
const tty = process.stdout.isTTY === true;
const sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), {
      once: true,
    });
  });

const pool = createPool({
  name: 'resize',
  size: 8,
  timeoutMs: 200,
  queue: { capacity: 10_000 },
  metrics: { intervalMs: 250, windowMs: 2_000 },
  supervision: { strategy: 'one-for-one', maxRestarts: 50, withinMs: 10_000 },
  retry: { attempts: 2, backoff: { minMs: 5 } },
  worker: fromAsync({
    setup: async ({ workerId }) => ({ workerId, scratch: new Uint8Array(1024) }),
    run: async (image, ctx) => {
      if (image.id % 997 === 0) await sleep(10_000, ctx.signal); // a hang: the timeout catches it
      await sleep(1 + (image.id % 7), ctx.signal);
      if (image.id % 50 === 0) throw new Error(`corrupt image ${image.id}`);
      if (image.id % 401 === 0 && ctx.attempt === 1) {
        throw new WorkerCrashedError(`codec state corrupted by image ${image.id}`);
      }
      return { id: image.id, width: image.width / 2, by: ctx.resource.workerId };
    },
  }),
}).start();

const deadLetters = [];
pool.deadLetters$.subscribe((letter) => deadLetters.push(letter));

const bar = (done, total, width = 30) => {
  const filled = Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
};
let lastLine = 0;
pool.metrics$.subscribe((m) => {
  const done = m.completed + m.failed + m.timedOut + m.crashed + m.cancelled;
  const line =
    `${bar(done, TASKS)} ${done}/${TASKS}  ${Math.round(m.throughput)} tasks/s  ` +
    `queued ${m.queued}  active ${m.active}  util ${(m.utilisation * 100).toFixed(0)}%  ` +
    `failed ${m.failed}  timed out ${m.timedOut}`;
  if (tty) process.stdout.write(`\r${line}`);
  else if (m.at - lastLine >= 1_000 || done === TASKS) {
    lastLine = m.at;
    console.log(line);
  }
});

const started = performance.now();
const results = await Promise.all(
  Array.from({ length: TASKS }, (_, id) => pool.submit({ id: id + 1, width: 1024 })),
);
// Drains; then every stream completes (metrics$ with a final snapshot) and no timer is left.
await pool.close();
if (tty) process.stdout.write('\n');

const { metrics: m, workers } = pool.getSnapshot();
const ok = results.filter((r) => r._tag === 'Right').length;
const ms = (p) =>
  `p50 ${p.p50.toFixed(2)}  p90 ${p.p90.toFixed(2)}  p99 ${p.p99.toFixed(2)}  max ${p.max.toFixed(2)} ms`;
console.log(
  `\nPool '${pool.name}' is ${pool.getSnapshot().state} after ${((performance.now() - started) / 1000).toFixed(2)} s`,
);
console.log(
  `  submitted ${m.submitted}: completed ${m.completed}, failed ${m.failed}, timed out ${m.timedOut}, ` +
    `worker crashed ${m.crashed}, cancelled ${m.cancelled}, rejected ${m.rejected}`,
);
const conserved =
  m.submitted ===
  m.completed +
    m.failed +
    m.crashed +
    m.timedOut +
    m.cancelled +
    m.dropped +
    m.waiting +
    m.queued +
    m.retrying +
    m.active;
console.log(
  `  outcomes: ${results.length}/${TASKS} (${ok} values); counters conserve: ${conserved ? 'yes' : 'NO'}`,
);
console.log(`  latency     ${ms(m.latency)}`);
console.log(`  queue wait  ${ms(m.queueWait)}`);
console.log(
  `  supervision: ${m.crashes} crashes and ${m.hangs} hangs → ${m.restarts} restarts; ` +
    `${m.retries} retries; ${m.quarantined} tasks quarantined (dead letters: ${deadLetters.length})`,
);
console.log(`  late results discarded: ${m.late}; workers left after close: ${workers.length}`);

// The same pool runtime with worker threads for CPU-bound work (@troupe/threads): 32 blocks
// hashed on up to one thread per core; inputs moved, not copied (see examples/thread-pool).
const { availableParallelism } = await import('node:os');
const { fromWorkerThread, threadStats, transfer } = await import('@troupe/threads');
const hashing = createPool({
  name: 'hash',
  worker: fromWorkerThread(new URL('./thread-pool/hash.worker.mjs', import.meta.url), {
    export: 'digest',
    concurrency: 2,
  }),
  size: { min: 1, max: availableParallelism(), idleTimeoutMs: 500 },
}).start();
const BLOCKS = 32;
const hashStarted = performance.now();
const hashProgress = setInterval(() => {
  const s = hashing.getSnapshot();
  const line = `hash: ${s.metrics.completed}/${BLOCKS} blocks on ${s.size} threads`;
  if (tty) process.stdout.write(`\r${line}   `);
}, 100);
await Promise.all(
  Array.from({ length: BLOCKS }, (_, i) => {
    const bytes = new Uint8Array(256 * 1024).fill(i);
    return hashing.run(transfer({ bytes, rounds: 100 }, [bytes.buffer]));
  }),
);
clearInterval(hashProgress);
const h = hashing.getSnapshot().metrics;
await hashing.close();
console.log(
  `${tty ? '\n' : ''}Pool 'hash' (worker threads): ${h.completed}/${BLOCKS} blocks in ` +
    `${((performance.now() - hashStarted) / 1000).toFixed(2)} s, threads busy ` +
    `${(100 * h.utilisation).toFixed(0)} %, latency ${ms(h.latency)}; threads left after close: ${threadStats().live}`,
);
