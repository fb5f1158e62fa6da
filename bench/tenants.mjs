/**
 * Per-tenant routing: a `key-hash` balancer over 10,000 pools of size 2 routing trivial work
 * (`async (x) => x`, keys spread over 100,000 values) against one pool of size 2 — the issue's
 * "a single pool" — in the same run. Two more peers tell the costs apart: the same 10,000 pools fed
 * by a router that costs nothing (each task handed straight to the member the balancer would
 * choose, looked up beforehand), and one pool of 20,000 (the balancer's total size). Two load
 * shapes: every task submitted at once, and 1,000 in flight (a task submitted as one settles: a
 * server's steady load, where most members are idle when a task comes).
 *
 * Everything is built once per section, outside the timed part (10,000 pools take a while to
 * create), and reused by every round. Also measured once: how long the balancer takes to create
 * (with and without `health`), its first keyed task (the hash ring is built then), and the longest
 * event-loop stall while a balancer with `health` on samples its 10,000 members.
 */
import { createBalancer, createPool, keyHash } from '@troupe/core';
import { collectGarbage, median, preallocate, until } from './util.mjs';

export const TENANTS = 10_000;
export const TENANT_TASKS = 200_000;
export const TENANT_TASKS_IN_FLIGHT = 20_000;
export const IN_FLIGHT = 1_000;
const KEYS = 100_000;
export const TENANT_VARIANTS = ['pool', 'balancer', 'direct', 'wide'];
const task = async (x) => x;

/** Times `n` submits through `submit(i)`: all at once, or `inFlight` at a time. Returns tasks/s. */
async function timed(submit, n, inFlight) {
  collectGarbage();
  const t0 = performance.now();
  if (inFlight === undefined) {
    const promises = preallocate(n);
    for (let i = 0; i < n; i++) promises[i] = submit(i);
    const results = await Promise.all(promises);
    const ms = performance.now() - t0;
    const last = results[n - 1];
    if (last._tag !== 'Right' || last.right !== n - 1)
      throw new Error(`task ${n - 1} did not complete`);
    return (n * 1000) / ms;
  }
  let next = 0;
  let failed = 0;
  const lane = async () => {
    while (next < n) {
      const result = await submit(next++);
      if (result._tag !== 'Right') failed++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  const ms = performance.now() - t0;
  if (failed > 0) throw new Error(`${failed} of ${n} tasks failed`);
  return (n * 1000) / ms;
}

/** Builds the peers once: 10,000 pools and the balancer over them, one pool of 2, one of 20,000. */
async function build(log) {
  const options = Array.from({ length: KEYS }, (_, i) => ({ key: `tenant-${i}` }));
  const make = (name, size) =>
    createPool({ name, size, worker: task, queue: { capacity: Infinity } }).start();
  let t0 = performance.now();
  const pools = Array.from({ length: TENANTS }, (_, i) => make(`tenant-pool-${i}`, 2));
  await until(() => pools.every((p) => p.getSnapshot().state === 'running'));
  const poolsMs = performance.now() - t0;
  log(`tenants: ${TENANTS} pools running in ${(poolsMs / 1000).toFixed(1)} s`);
  const single = make('single', 2);
  const wide = make('wide', 2 * TENANTS);
  await until(() => [single, wide].every((p) => p.getSnapshot().state === 'running'));
  t0 = performance.now();
  const balancer = createBalancer({ pools, strategy: 'key-hash', capacity: Infinity });
  const createMs = performance.now() - t0;
  t0 = performance.now();
  await balancer.run(0, options[0]);
  const ringMs = performance.now() - t0;
  // The router that costs nothing: each key's member, looked up once with the same strategy.
  const views = pools.map((p, index) => ({ index, name: p.name }));
  const strategy = keyHash();
  const state = { seq: 0, random: Math.random, version: 0 };
  const home = options.map((o) => pools[strategy(views, o, state)]);
  const peers = {
    pool: (i) => single.submit(i, options[i % KEYS]),
    balancer: (i) => balancer.submit(i, options[i % KEYS]),
    direct: (i) => home[i % KEYS].submit(i, options[i % KEYS]),
    wide: (i) => wide.submit(i, options[i % KEYS]),
  };
  const close = async () => {
    await balancer.close();
    await Promise.all([...pools, single, wide].map((p) => p.close()));
  };
  return { pools, peers, close, setup: { poolsMs, createMs, ringMs } };
}

/**
 * A balancer with `health` on over the pools: how long it takes to create, and the longest gap
 * between 1 ms timer ticks while it samples every member twice (`intervalMs` 500).
 */
async function healthStall(pools) {
  const t0 = performance.now();
  const balancer = createBalancer({ pools, strategy: 'key-hash', health: true, intervalMs: 500 });
  const createMs = performance.now() - t0;
  let longest = 0;
  let last = performance.now();
  const probe = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  clearInterval(probe);
  await balancer.close();
  return { createMs, longestStallMs: longest };
}

/**
 * One untimed warm-up round on a tenth of the tasks, then `rounds` timed ones per load shape, the
 * peers back to back in an order that rotates. Returns, per shape, `{ n, inFlight, samples,
 * median, perRound }` (tasks/s; `perRound`: balancer / pool within each round), and `setup`.
 */
export async function measureTenants({ rounds, log = () => {} }) {
  const { pools, peers, close, setup } = await build(log);
  const shapes = [
    { name: 'at once', n: TENANT_TASKS, inFlight: undefined },
    { name: `${IN_FLIGHT} in flight`, n: TENANT_TASKS_IN_FLIGHT, inFlight: IN_FLIGHT },
  ];
  const out = [];
  for (const shape of shapes) {
    log(`tenants (${shape.name}): warm-up round`);
    for (const v of TENANT_VARIANTS) await timed(peers[v], Math.ceil(shape.n / 10), shape.inFlight);
    const samples = Object.fromEntries(TENANT_VARIANTS.map((v) => [v, []]));
    for (let round = 1; round <= rounds; round++) {
      for (let k = 0; k < TENANT_VARIANTS.length; k++) {
        const v = TENANT_VARIANTS[(round + k) % TENANT_VARIANTS.length];
        samples[v].push(await timed(peers[v], shape.n, shape.inFlight));
      }
      log(`tenants (${shape.name}): round ${round}/${rounds}`);
    }
    const med = Object.fromEntries(TENANT_VARIANTS.map((v) => [v, median(samples[v])]));
    const perRound = samples.balancer.map((b, i) => b / samples.pool[i]);
    out.push({ ...shape, samples, median: med, perRound });
  }
  log('tenants: health on, sampling 10,000 members');
  const health = await healthStall(pools);
  await close();
  return { shapes: out, setup: { ...setup, health } };
}
