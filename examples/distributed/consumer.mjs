// A consumer host: takes jobs of the queue 'thumbs' from Redis and runs them on a Troupe pool.
// Run as many as you like, on any machine that reaches Redis:
//   REDIS_URL=redis://127.0.0.1:6379 node examples/distributed/consumer.mjs
import { setTimeout as sleep } from 'node:timers/promises';
import { createPool } from '@troupe/core';
import { serveBullmq } from '@troupe/bullmq';
import { redisOptions } from './redis-options.mjs';

const name = process.env.CONSUMER_NAME ?? `consumer-${process.pid}`;

// The work: a fake thumbnail. Idempotent, as a distributed task must be: the same input gives
// the same output, however often it runs (delivery is at-least-once).
async function thumbnail({ file, width }, { signal }) {
  if (!file.endsWith('.png')) throw new TypeError(`not a png: ${file}`);
  await sleep(file.includes('slow') ? 10_000 : 20, undefined, { signal });
  return { file, thumb: `${file.replace(/\.png$/, '')}@${width}.png`, by: name };
}

const host = serveBullmq({
  queue: 'thumbs',
  connection: redisOptions(),
  pool: createPool({ name, worker: thumbnail, size: 4 }),
  name,
}).start();

// Graceful: finishes the jobs it runs, takes no new one, then exits.
const close = () => void host.close().then(() => process.exit(0));
process.on('SIGTERM', close);
process.on('SIGINT', close);
process.on('disconnect', close);
await host.ready;
console.log(`${name} is taking jobs`);
process.send?.('ready');
