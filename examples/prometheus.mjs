// Prometheus: a pool's metrics served at /metrics on loopback, as Prometheus scrapes them. The
// pool works for a couple of seconds (some tasks fail), the example scrapes itself once and
// prints what Prometheus would read, then stops. `node examples/prometheus.mjs --serve` keeps
// serving on http://127.0.0.1:9464/metrics with the pool busy until Ctrl-C, to point a
// Prometheus at (see docs/guide/observing.md for the scrape config and queries).
import { createServer } from 'node:http';
import { createPool } from '@troupe/core';
import { createPrometheusExporter } from '@troupe/prometheus';

const serving = process.argv.includes('--serve');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const pool = createPool({
  name: 'thumbnails',
  size: 4,
  worker: async (n) => {
    await sleep(2 + (n % 20)); // 2-21 ms of "work"
    if (n % 17 === 0) throw new Error(`image ${n} is corrupt`);
    return n;
  },
}).start();

const exporter = createPrometheusExporter();
exporter.watch(pool);
const server = createServer(exporter.handler);
await new Promise((resolve) => server.listen(serving ? 9464 : 0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}/metrics`;
console.log(`serving ${url}${serving ? ' (Ctrl-C stops)' : ''}`);

let stop = false;
process.once('SIGINT', () => (stop = true));
let submitted = 0;
const until = performance.now() + 2_000;
while (!stop && (serving || performance.now() < until)) {
  await Promise.all(Array.from({ length: 8 }, () => pool.submit(submitted++)));
}

// What Prometheus reads: the text exposition, scraped over loopback.
const text = await (await fetch(url)).text();
const sample = (name) => Number(text.match(new RegExp(`^${name} (\\S+)$`, 'm'))?.[1]);
const completed = sample('troupe_tasks_total\\{pool="thumbnails",outcome="completed"\\}');
const failed = sample('troupe_tasks_total\\{pool="thumbnails",outcome="failed"\\}');
const timed = sample(
  'troupe_task_duration_seconds_count\\{pool="thumbnails",outcome="completed"\\}',
);
const under10ms = sample(
  'troupe_task_duration_seconds_bucket\\{pool="thumbnails",outcome="completed",le="0.01"\\}',
);
for (const line of text.split('\n')) {
  if (/^troupe_(tasks_total|queue_depth|workers|pool_state)\{.*\} [1-9]/.test(line)) {
    console.log(`  ${line}`);
  }
}
console.log(`scraped: completed ${completed}, failed ${failed}, submitted ${submitted}`);
console.log(`completed + failed = submitted: ${completed + failed === submitted}`);
console.log(`failed as expected: ${failed === Math.ceil(submitted / 17)}`);
console.log(`timed runs = completed: ${timed === completed}; under 10 ms: ${under10ms}`);

await new Promise((resolve) => server.close(resolve));
await pool.close();
exporter.close();
console.log('closed');
