// Health: a balancer over two pools, one of whose backends goes down for a while. With `health`
// on, the balancer judges each pool's metrics window by window: the failing pool degrades, turns
// unhealthy (no task goes to it: the other pool takes them all), probes with a trickle of tasks
// once its backend is back, and ramps its share of traffic up again. Every change comes with its
// reason, on the balancer's health$.
import { createBalancer, createPool } from '@troupe/core';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const t0 = performance.now();
const at = () => `${String(Math.round(performance.now() - t0)).padStart(5)} ms`;

let backendDown = false;
const ran = { apiA: 0, apiB: 0 };
const pool = (name, failing) =>
  createPool({
    name,
    size: 4,
    worker: async (n) => {
      ran[name]++;
      await sleep(2);
      if (failing()) throw new Error('backend down');
      return n;
    },
  }).start();
const apiA = pool('apiA', () => backendDown);
const apiB = pool('apiB', () => false);

const api = createBalancer({
  name: 'api',
  pools: [apiA, apiB],
  strategy: 'round-robin',
  owns: true,
  intervalMs: 50, // members are sampled every 50 ms; a window closes on the first sample past windowMs
  health: {
    windowMs: 200,
    minSamples: 5,
    maxErrorRate: 0.2,
    probeEveryMs: 300,
    probeTasks: 2,
    slowStartMs: 400,
  },
});
api.health$.subscribe(({ member, from, to, reason }) =>
  console.log(`${at()}  ${member}: ${from} → ${to}: ${reason}`),
);

// The caller's side: a task every 5 ms, to the balancer; it routes by health.
let failed = 0;
async function traffic(label, ms) {
  const before = { ...ran };
  const end = performance.now() + ms;
  while (performance.now() < end) {
    void api.submit(0).then((result) => result._tag === 'Left' && failed++);
    await sleep(5);
  }
  console.log(
    `${at()}  ${label}: apiA ran ${ran.apiA - before.apiA}, apiB ${ran.apiB - before.apiB}`,
  );
}

await traffic('both up', 300);
backendDown = true;
await traffic("apiA's backend down", 700);
backendDown = false;
await traffic("apiA's backend back", 1_200);
const members = api.getSnapshot().members.map((m) => `${m.name} ${m.health}`);
console.log(`members: ${members.join(', ')}`);
console.log(
  `tasks failed: ${failed} (they ran on apiA while it failed, before it was judged unhealthy, or as probes)`,
);
await api.close(); // owns: true, so it closes apiA and apiB too
console.log('closed');
