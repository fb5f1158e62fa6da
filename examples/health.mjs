// Health: a pool whose backend goes down for a while. watchHealth judges its metrics window by
// window: it degrades, turns unhealthy (nothing routed to it), probes with a trickle of tasks
// once the backend is back, and ramps traffic up again. Every change comes with its reason.
import { createPool, watchHealth } from '@troupe/core';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const t0 = performance.now();
const at = () => `${String(Math.round(performance.now() - t0)).padStart(5)} ms`;

let backendDown = false;
const pool = createPool({
  name: 'api',
  size: 4,
  metrics: { intervalMs: 50 }, // watchHealth closes a window on the first tick past windowMs
  worker: async (n) => {
    await sleep(2);
    if (backendDown) throw new Error('backend down');
    return n;
  },
}).start();

const health = watchHealth(pool, {
  windowMs: 200,
  minSamples: 5,
  maxErrorRate: 0.2,
  probeEveryMs: 300,
  probeTasks: 2,
  slowStartMs: 400,
});
health.health$.subscribe(({ from, to, reason }) =>
  console.log(`${at()}  ${from} → ${to}: ${reason}`),
);

// The caller's side: route a task only when the pool's health admits it (as a balancer will).
let routed = 0;
let held = 0;
async function traffic(ms) {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    if (health.admits()) {
      routed++;
      void pool.submit(routed);
    } else held++;
    await sleep(5);
  }
}

await traffic(300);
console.log(`${at()}  backend goes down`);
backendDown = true;
await traffic(700);
console.log(`${at()}  backend is back`);
backendDown = false;
await traffic(1_200);
console.log(`state: ${health.state}, traffic share ${health.admitFraction}`);
console.log(`routed ${routed}, held back ${held}`);
health.stop();
await pool.close();
console.log('closed');
