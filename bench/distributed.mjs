/**
 * Distributed: jobs/s through Troupe's BullMQ executor (a producer pool on `fromBullmq`, consumer
 * processes on `serveBullmq`) against a bare BullMQ pair (`Queue.addBulk` and `QueueEvents` on the
 * producer, a `Worker` in each consumer) on the same Redis in the same run, with 1 and 3 consumer
 * processes, each running 8 tasks of ~5 ms (a timer: I/O-like work) at once. Every job is in
 * Redis at once for both: the consumers are the bottleneck, as in production.
 *
 * Needs `redis-server` on the PATH (started here on a free port, no persistence, stopped after).
 */
import { fork, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Queue, QueueEvents } from 'bullmq';
import { createPool } from '@troupe/core';
import { fromBullmq } from '@troupe/bullmq';
import { median } from './util.mjs';

export const DISTRIBUTED_JOBS = 3_000;
export const DISTRIBUTED_TASK_MS = 5;
export const DISTRIBUTED_CONCURRENCY = 8;
export const DISTRIBUTED_CONSUMERS = [1, 3];
const consumerScript = new URL('./distributed-consumer.mjs', import.meta.url);

export async function measureDistributed({ rounds, log }) {
  const redis = await startRedis();
  const connection = { host: '127.0.0.1', port: redis.port };
  const rows = [];
  try {
    for (const consumers of DISTRIBUTED_CONSUMERS) {
      const perRound = { bare: [], troupe: [] };
      for (let round = 0; round < rounds; round++) {
        for (const mode of ['bare', 'troupe']) {
          const queue = `bench-${mode}-${consumers}-${round}-${process.pid}`;
          const children = await startConsumers(mode, queue, consumers, redis.port);
          try {
            const rate =
              mode === 'bare' ? await bare(queue, connection) : await troupe(queue, connection);
            perRound[mode].push(rate);
            log(`distributed ${consumers} consumer(s), ${mode}: ${Math.round(rate)} jobs/s`);
          } finally {
            await stopConsumers(children);
          }
        }
      }
      rows.push({
        consumers,
        median: { bare: median(perRound.bare), troupe: median(perRound.troupe) },
        perRound,
      });
    }
  } finally {
    redis.stop();
  }
  return {
    rows,
    jobs: DISTRIBUTED_JOBS,
    taskMs: DISTRIBUTED_TASK_MS,
    concurrency: DISTRIBUTED_CONCURRENCY,
  };
}

/** A bare BullMQ producer: every job added (`addBulk`, 1,000 a call), then its completions counted. */
async function bare(queue, connection) {
  const q = new Queue(queue, { connection });
  const events = new QueueEvents(queue, { connection });
  await Promise.all([q.waitUntilReady(), events.waitUntilReady()]);
  let completed = 0;
  const done = new Promise((resolve) =>
    events.on('completed', () => {
      if (++completed === DISTRIBUTED_JOBS) resolve();
    }),
  );
  const t0 = performance.now();
  for (let i = 0; i < DISTRIBUTED_JOBS; i += 1_000) {
    const chunk = Array.from({ length: Math.min(1_000, DISTRIBUTED_JOBS - i) }, (_, j) => ({
      name: 'bare',
      data: i + j,
    }));
    await q.addBulk(chunk);
  }
  await done;
  const ms = performance.now() - t0;
  await Promise.all([events.close(), q.close()]);
  return (DISTRIBUTED_JOBS * 1000) / ms;
}

/** Troupe's producer: a pool on `fromBullmq` with every job in flight, each result awaited as an Either. */
async function troupe(queue, connection) {
  const pool = createPool({
    worker: fromBullmq({ queue, connection, concurrency: 1_000 }),
    size: Math.ceil(DISTRIBUTED_JOBS / 1_000),
    queue: { capacity: Infinity },
  }).start();
  await pool.run(-1); // the link is open: not timed
  const t0 = performance.now();
  const results = await Promise.all(
    Array.from({ length: DISTRIBUTED_JOBS }, (_, i) => pool.submit(i)),
  );
  const ms = performance.now() - t0;
  if (results.some((r) => r._tag !== 'Right'))
    throw new Error('a distributed benchmark task failed');
  await pool.close();
  return (DISTRIBUTED_JOBS * 1000) / ms;
}

async function startConsumers(mode, queue, count, port) {
  const children = Array.from({ length: count }, () =>
    fork(consumerScript, [], {
      env: {
        ...process.env,
        MODE: mode,
        QUEUE: queue,
        REDIS_PORT: String(port),
        CONCURRENCY: String(DISTRIBUTED_CONCURRENCY),
        TASK_MS: String(DISTRIBUTED_TASK_MS),
      },
    }),
  );
  await Promise.all(
    children.map((child) => new Promise((resolve) => child.once('message', resolve))),
  );
  return children;
}

function stopConsumers(children) {
  return Promise.all(
    children.map(
      (child) =>
        new Promise((resolve) => {
          child.once('exit', resolve);
          child.send('close');
        }),
    ),
  );
}

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
          ? new Error('the distributed benchmark needs redis-server on the PATH')
          : e,
      ),
    );
    child.stdout.on('data', (chunk) => chunk.includes('Ready to accept connections') && resolve());
  });
  child.stdout.resume();
  return { port, stop: () => child.kill('SIGKILL') };
}
