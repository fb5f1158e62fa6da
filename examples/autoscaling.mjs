// Autoscaling: a pool of 1 to 4 workers grows at once when work waits (reason 'demand'),
// resizes towards a utilisation target on metrics ticks ('utilisation'), and retires workers
// idle for idleTimeoutMs ('idle'); with min 0 an idle pool gives up every worker and the next
// task starts one. Every change is a scale.up / scale.down event with its reason.
import { createPool } from '@troupe/core';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const t0 = performance.now();
const at = () => `${String(Math.round(performance.now() - t0)).padStart(5)} ms`;

const pool = createPool({
  name: 'scaled',
  size: {
    min: 1,
    max: 4,
    idleTimeoutMs: 300, // a worker above min idle this long retires
    target: { utilisation: 0.8 }, // keep workers about 80 % busy
    cooldownMs: 500, // at least this long between two resizes by the target
  },
  metrics: { intervalMs: 100, windowMs: 500 }, // the autoscaler looks every 100 ms
  worker: async (ms) => sleep(ms),
}).start();

pool.events$.subscribe((event) => {
  if (event.type === 'scale.up' || event.type === 'scale.down') {
    const dry = event.dryRun ? ' (dry run)' : '';
    console.log(
      `${at()}  ${event.type} ${event.from} → ${event.to}  ${event.because}: ${event.detail}${dry}`,
    );
  }
});

console.log(`${at()}  steady load: a 30 ms task every 12 ms for 1.5 s`);
const tasks = [];
for (const end = performance.now() + 1_500; performance.now() < end; await sleep(12)) {
  tasks.push(pool.submit(30));
}
await Promise.all(tasks);
const { metrics } = pool.getSnapshot();
console.log(
  `${at()}  load done: ${pool.getSnapshot().size} workers, utilisation ${metrics.utilisation.toFixed(2)}; now quiet`,
);
await sleep(1_000);
console.log(`${at()}  after the quiet spell: size ${pool.getSnapshot().size} (min 1)`);

await pool.resize({ min: 2, max: 3 }); // new bounds: the size moves into them at once
console.log(`${at()}  resize({ min: 2, max: 3 }) → ${pool.getSnapshot().size} workers`);

await pool.resize({ min: 0 }); // scale to zero: idle workers retire down to none
await sleep(500);
console.log(`${at()}  resize({ min: 0 }), quiet: ${pool.getSnapshot().size} workers`);
await pool.submit(10); // the next task starts a worker at once
console.log(`${at()}  one task later: ${pool.getSnapshot().size} worker`);
await pool.close();
console.log(`${at()}  closed`);
