// A consumer process of the distributed benchmark: MODE=bare is a bare BullMQ Worker, MODE=troupe
// a Troupe pool served by serveBullmq; both run the same ~5 ms task, CONCURRENCY at once. Says
// 'ready' on IPC once it takes jobs; told 'close', closes and exits.
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'bullmq';
import { createPool } from '@troupe/core';
import { serveBullmq } from '@troupe/bullmq';

const { MODE, QUEUE, REDIS_PORT, CONCURRENCY, TASK_MS } = process.env;
const connection = { host: '127.0.0.1', port: Number(REDIS_PORT) };
const concurrency = Number(CONCURRENCY);
const task = async (n) => {
  await sleep(Number(TASK_MS));
  return n;
};

let close;
if (MODE === 'bare') {
  const worker = new Worker(QUEUE, (job) => task(job.data), { connection, concurrency });
  worker.on('error', () => undefined);
  await worker.waitUntilReady();
  close = () => worker.close();
} else {
  const host = serveBullmq({
    queue: QUEUE,
    connection,
    pool: createPool({ worker: task, size: concurrency }),
  }).start();
  await host.ready;
  close = () => host.close();
}
process.on('message', async (message) => {
  if (message !== 'close') return;
  await close();
  process.exit(0);
});
process.on('disconnect', () => void close().then(() => process.exit(0)));
process.send('ready');
