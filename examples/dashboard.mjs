// Dashboard: a live web page of a running system — its actor tree and states, its machines'
// charts with the current states highlighted, throughput, latency, queue, utilisation and
// restarts over the last minutes, an event log, and controls (pause, resume, resize, close) that
// need the token printed here. A small shop runs for about ten seconds with some tasks failing
// and a worker crashed by a poisoned task every three seconds, then everything stops.
// `node examples/dashboard.mjs --serve` keeps it running until Ctrl-C: open the printed address.
import { createSystem, fromAsync, WorkerCrashedError } from '@troupe/core';
import { serveDashboard } from '@troupe/inspect';

const serving = process.argv.includes('--serve');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const work = fromAsync({
  run: async (n) => {
    if (n < 0) throw new WorkerCrashedError('a poisoned task broke the worker');
    await sleep(2 + (n % 15)); // 2-16 ms of "work"
    if (n % 53 === 0) throw new Error(`order ${n} is invalid`);
    return n;
  },
});

const system = createSystem({
  name: 'shop',
  metrics: { intervalMs: 500 },
  pools: {
    orders: { size: 3, worker: work, metrics: { intervalMs: 500 } },
    payments: { size: 2, worker: work, metrics: { intervalMs: 500 } },
    emails: { size: 1, worker: work, metrics: { intervalMs: 500 } },
  },
  balancers: { checkout: { pools: ['orders', 'payments'], strategy: 'least-loaded' } },
});
await system.start();

const dashboard = await serveDashboard(system); // 127.0.0.1, a free port
console.log(`dashboard ${dashboard.url}`);
console.log(`token ${dashboard.token}`);
console.log(`open ${dashboard.url}#token=${dashboard.token}${serving ? ' (Ctrl-C stops)' : ''}`);

let stop = false;
process.once('SIGINT', () => (stop = true));
const until = performance.now() + 10_000;
const running = () => !stop && (serving || performance.now() < until);
let n = 1;
const feed = async (sink, inFlight) => {
  while (running()) await Promise.all(Array.from({ length: inFlight }, () => sink.submit(n++)));
};
const poison = async () => {
  while (running()) {
    await sleep(3_000);
    if (running()) await system.pool('orders').submit(-1);
  }
};
await Promise.all([feed(system.balancer('checkout'), 6), feed(system.pool('emails'), 2), poison()]);

const page = await fetch(dashboard.url);
console.log(`page: ${page.status} ${page.headers.get('content-type')}`);
for (const name of ['orders', 'payments', 'emails']) {
  const { metrics } = system.pool(name).getSnapshot();
  console.log(
    `${name}: completed ${metrics.completed}, failed ${metrics.failed}, ` +
      `crashed ${metrics.crashed}, restarts ${metrics.restarts}`,
  );
}
await dashboard.close();
await system.close();
console.log('closed');
