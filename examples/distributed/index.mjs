// A pool whose tasks run in other processes: a producer pool hands each task to a BullMQ queue
// in Redis, two consumer processes take them and run them on pools of their own, and every
// result comes back as the producer pool's Either — values, failures with their tag and cause,
// a cancellation. Needs a Redis: REDIS_URL, or a redis-server on the PATH (started here on a
// free port for the run, and stopped after).
import { fork, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createPool } from '@troupe/core';
import { consumerMetrics, fromBullmq } from '@troupe/bullmq';
import { redisOptions } from './redis-options.mjs';

const redis = process.env.REDIS_URL === undefined ? await startRedis() : undefined;
const connection = redisOptions(redis?.url);

const consumers = ['north', 'south'].map((name) =>
  fork(new URL('./consumer.mjs', import.meta.url), [], {
    env: {
      ...process.env,
      CONSUMER_NAME: name,
      REDIS_URL: `redis://${connection.host}:${connection.port}`,
    },
  }),
);
await Promise.all(
  consumers.map((child) => new Promise((resolve) => child.once('message', resolve))),
);

// What the consumers publish, as the producer side sees it.
let hosts = {};
const watching = consumerMetrics({ queue: 'thumbs', connection }).subscribe(
  (m) => (hosts = m.members),
);

const pool = createPool({
  name: 'thumbs',
  worker: fromBullmq({ queue: 'thumbs', connection }),
  size: 16, // 16 jobs in flight at most; the rest wait here
}).start();

const files = Array.from({ length: 40 }, (_, i) => ({ file: `photo-${i}.png`, width: 128 }));
const results = await Promise.all(files.map((input) => pool.submit(input)));
const by = {};
for (const r of results) if (r._tag === 'Right') by[r.right.by] = (by[r.right.by] ?? 0) + 1;
console.log(
  `40 thumbnails: ${Object.entries(by)
    .map(([host, n]) => `${host} ${n}`)
    .sort()
    .join(', ')}`,
);

const failed = await pool.submit({ file: 'notes.txt', width: 128 });
console.log(
  `a failure comes back tagged: ${failed.left._tag}, cause ${failed.left.cause.name}: ${failed.left.cause.message}`,
);

const slow = pool.submit({ file: 'slow.png', width: 128 }, { timeoutMs: 300 });
console.log(`a timeout on the producer stops the run on its consumer: ${(await slow).left._tag}`);

await new Promise((resolve) => setTimeout(resolve, 1_200)); // a metrics report from each host
console.log(`consumer hosts reporting: ${Object.keys(hosts).sort().join(', ')}`);

watching.unsubscribe();
await pool.close();
await Promise.all(
  consumers.map(
    (child) =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM'); // each closes gracefully
      }),
  ),
);
await redis?.stop();
console.log('all closed');

/** A redis-server of our own on a free port, no persistence; stopped by `stop()`. */
async function startRedis() {
  const port = await new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise((resolve, reject) => {
    child.once('error', (e) =>
      reject(
        e.code === 'ENOENT'
          ? new Error('no redis-server on the PATH: install Redis, or set REDIS_URL')
          : e,
      ),
    );
    child.stdout.on('data', (chunk) => chunk.includes('Ready to accept connections') && resolve());
  });
  child.stdout.resume();
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}
