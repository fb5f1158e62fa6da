// Troupe demo: a pool of 8 in-process workers "resizing images" (simulated async work with
// some failures, a few hangs and a few broken workers), supervised and retried, with live
// progress from metrics$ and a summary whose sums add up; then a pool of worker threads hashing
// blocks. DEMO_TASKS=n runs n tasks instead of 3 000 (test/examples/demo.test.ts runs 1 000).
import { createPool, fromAsync, WorkerCrashedError } from '@troupe/core';

const TASKS = Number(process.env.DEMO_TASKS ?? 3_000);
const TIMEOUT_MS = 200;
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
  timeoutMs: TIMEOUT_MS,
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
// Settled tasks: everything accepted that is no longer waiting, queued, retrying or running.
const settled = (m) => m.submitted - m.waiting - m.queued - m.retrying - m.active;
const progress = (m) =>
  `${bar(settled(m), TASKS)} ${settled(m)}/${TASKS}  ${Math.round(m.throughput)} tasks/s  ` +
  `queued ${m.queued}  active ${m.active}  util ${(m.utilisation * 100).toFixed(0)}%  ` +
  `failed ${m.failed}  timed out ${m.timedOut}  crashed ${m.crashed}`;
// In a terminal the progress line redraws in place; piped to a file, a line a second, and the
// final one (the snapshot close() gives every metrics$ subscriber) always.
let lastLine;
let final;
pool.metrics$.subscribe({
  next: (m) => {
    final = m;
    lastLine ??= m.at;
    if (tty) process.stdout.write(`\r${progress(m)}`);
    else if (m.at - lastLine >= 1_000) {
      lastLine = m.at;
      console.log(progress(m));
    }
  },
  complete: () => {
    if (tty) process.stdout.write('\n');
    else if (final.at !== lastLine) console.log(progress(final));
  },
});

const started = performance.now();
const results = await Promise.all(
  Array.from({ length: TASKS }, (_, id) => pool.submit({ id: id + 1, width: 1024 })),
);
// Drains; then every stream completes (metrics$ with a final snapshot) and no timer is left.
await pool.close();

const { metrics: m, workers } = pool.getSnapshot();
const ok = results.filter((r) => r._tag === 'Right').length;
const ms = (p) =>
  `p50 ${p.p50.toFixed(2)}  p90 ${p.p90.toFixed(2)}  p99 ${p.p99.toFixed(2)}  max ${p.max.toFixed(2)} ms`;
console.log(
  `\nPool '${pool.name}' is ${pool.getSnapshot().state} after ${((performance.now() - started) / 1000).toFixed(2)} s`,
);
// The sums add up: each task once, by its final outcome; each run that went wrong once, by what
// happened to it (a task with attempts left was retried); each restart, by the crash behind it.
const lastRuns = m.failed + m.timedOut + m.crashed;
const threw = m.failedLatency.count;
const hung = m.timedOutLatency.count;
const broke = m.crashedLatency.count;
const restartNote =
  m.restarts === m.crashes
    ? 'one per crash'
    : m.restarts < m.crashes
      ? `${m.crashes - m.restarts} crashed as the pool closed: not restarted`
      : `and ${m.restarts - m.crashes} siblings restarted with them`;
const n = (value) => String(value).padStart(5);
console.log(
  `  tasks    ${n(m.submitted)} = ${m.completed} completed + ${m.failed} threw + ` +
    `${m.timedOut} timed out + ${m.crashed - m.quarantined} worker crashed + ` +
    `${m.quarantined} quarantined + ${m.cancelled} cancelled + ${m.dropped} dropped ` +
    `(${m.rejected} more rejected at the door)`,
);
console.log(
  `  bad runs ${n(threw + hung + broke)} = ${threw} threw + ${hung} hung past the ` +
    `${TIMEOUT_MS} ms timeout + ${broke} crashed their worker`,
);
console.log(
  `           ${n('')} = ${m.retries} retried + ${lastRuns} last attempts (the tasks above that ` +
    `did not complete)`,
);
console.log(
  `  restarts ${n(m.restarts)} for ${m.crashes} worker crashes (${restartNote}); a hang fails ` +
    `its task, not its worker: the ${hung} hung runs restarted nothing`,
);
console.log(
  `  late answers dropped ${m.late} (runs that answered after their timeout); dead letters ` +
    `${deadLetters.length}; workers left after close: ${workers.length}`,
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
// Run times by how the run ended: the hung runs do not pass for slow work.
console.log(`  latency (completed runs)  ${ms(m.latency)}`);
console.log(`  run time, runs that threw ${ms(m.failedLatency)}`);
console.log(`  run time, hung runs       ${ms(m.timedOutLatency)}`);
console.log(`  queue wait                ${ms(m.queueWait)}`);

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
