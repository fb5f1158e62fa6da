/**
 * One producer pool and consumer child processes on one real Redis: 20,000 jobs settle once
 * each, spread over three consumers; a consumer killed mid-run (SIGKILL) costs re-runs of only
 * the jobs it had running, and loses none; a Redis that restarts empty mid-run loses none
 * either. In one file, one test after another: they share the CPU with their consumers, and
 * BullMQ's locks must be renewed in time.
 *
 * Real time, not the virtual clock: separate processes, a real Redis and BullMQ's own timers.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool, type TaskOutcome } from '@troupe/core';
import { fromBullmq } from '@troupe/bullmq';
import { spawnConsumer, type ConsumerProcess, type ConsumerSettings } from './support/consumers.js';
import { queueName, startRedis, type RedisServer } from './support/redis-server.js';

type In = { k: number };
type Out = { k: number; by: string };

let redis: RedisServer;
let dir: string;
let running: ConsumerProcess[] = [];
beforeAll(async () => {
  redis = await startRedis();
  dir = await mkdtemp(join(tmpdir(), 'troupe-consumers-'));
});
afterEach(async () => {
  await Promise.all(running.map((c) => c.kill()));
  running = [];
});
afterAll(async () => {
  await redis?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function consumers(
  names: string[],
  settings: Omit<ConsumerSettings, 'redisPort' | 'logFile'>,
): Promise<ConsumerProcess[]> {
  const started = names.map((name) =>
    spawnConsumer(name, { ...settings, redisPort: redis.port, logFile: join(dir, `${name}.log`) }),
  );
  running.push(...started);
  await Promise.all(started.map((c) => c.ready));
  return started;
}

/** Keys each consumer started (its log), in the order it started them. */
async function startedBy(names: string[]): Promise<Map<string, number[]>> {
  const logs = new Map<string, number[]>();
  for (const name of names) {
    const text = await readFile(join(dir, `${name}.log`), 'utf8').catch(() => '');
    logs.set(name, text.split('\n').filter(Boolean).map(Number));
  }
  return logs;
}

function producer(queue: string, size: number) {
  const worker = fromBullmq<In, Out>({
    queue,
    connection: redis.connection,
    reconcileIntervalMs: 2_000,
  });
  const pool: Pool<In, Out> = createPool({ worker, size, queue: { capacity: 20_000 } }).start();
  const outcomes: TaskOutcome<Out>[] = [];
  pool.results$.subscribe((outcome) => outcomes.push(outcome));
  const redisStatus: string[] = [];
  worker.redis$.subscribe((status) => redisStatus.push(status.type));
  return { pool, outcomes, redisStatus };
}

/** Submits `count` jobs keyed 0…count-1; calls `midway` once `at` of them have settled. */
async function submitAll(
  pool: Pool<In, Out>,
  count: number,
  at = -1,
  midway?: () => Promise<void>,
) {
  let settled = 0;
  let pending: Promise<void> | undefined;
  const results = await Promise.all(
    Array.from({ length: count }, (_, k) =>
      pool.submit({ k }).then((result) => {
        if (++settled === at && midway !== undefined) pending = midway();
        return result;
      }),
    ),
  );
  await pending;
  return results;
}

describe('consumer processes', () => {
  it('20,000 jobs over three consumers: each settles once, spread over all three', async () => {
    const queue = queueName('twenty-thousand');
    const names = ['c1', 'c2', 'c3'].map((n) => `${queue}-${n}`);
    await consumers(names, { queue, poolSize: 64 });
    const { pool, outcomes } = producer(queue, 256);
    const started = Date.now();
    const results = await submitAll(pool, 20_000);
    const elapsed = Date.now() - started;
    const by = new Map<string, number>();
    for (const [k, result] of results.entries()) {
      expect(result).toMatchObject({ _tag: 'Right', right: { k } });
      if (result._tag === 'Right') by.set(result.right.by, (by.get(result.right.by) ?? 0) + 1);
    }
    // Each task settled once: one outcome per task id, and the counters agree.
    expect(outcomes.length).toBe(20_000);
    expect(new Set(outcomes.map((o) => o.taskId)).size).toBe(20_000);
    const m = pool.getSnapshot().metrics;
    expect([m.submitted, m.completed, m.failed, m.active]).toEqual([20_000, 20_000, 0, 0]);
    // The distribution, for the record; every consumer took a share.
    console.log(
      `20,000 jobs in ${elapsed} ms: ${[...by].map(([name, n]) => `${name.slice(-2)} ${n}`).join(', ')}`,
    );
    expect([...by.keys()].sort()).toEqual([...names].sort());
    for (const n of by.values()) expect(n).toBeGreaterThan(1_000);
    await pool.close();
  }, 120_000);

  it('a consumer killed mid-run: every job completes, re-runs only of what it had running', async () => {
    const queue = queueName('killed');
    const names = ['k1', 'k2', 'k3'].map((n) => `${queue}-${n}`);
    const poolSize = 8;
    // Short locks, so that the killed consumer's jobs are seen as stalled within seconds.
    const [, victim] = await consumers(names, {
      queue,
      poolSize,
      taskMs: 2,
      lockMs: 4_000,
      stalledMs: 1_000,
    });
    const { pool, outcomes } = producer(queue, 64);
    const count = 3_000;
    const results = await submitAll(pool, count, 1_000, () => victim!.kill());
    for (const [k, result] of results.entries())
      expect(result).toMatchObject({ _tag: 'Right', right: { k } });
    expect(outcomes.length).toBe(count);
    const starts = await startedBy(names);
    const runs = new Map<number, number>();
    for (const keys of starts.values()) for (const k of keys) runs.set(k, (runs.get(k) ?? 0) + 1);
    // None lost: every job ran; duplicates only of jobs the killed consumer had running.
    expect(runs.size).toBe(count);
    const twice = [...runs].filter(([, n]) => n > 1).map(([k]) => k);
    expect(twice.length).toBeLessThanOrEqual(poolSize);
    const victimKeys = new Set(starts.get(victim!.name));
    for (const k of twice) expect(victimKeys.has(k)).toBe(true);
    console.log(
      `killed ${victim!.name.slice(-2)} after 1,000 results: ${twice.length} jobs ran twice; ` +
        [...starts].map(([name, keys]) => `${name.slice(-2)} ${keys.length}`).join(', '),
    );
    await pool.close();
  }, 120_000);

  it('Redis restarted empty mid-run: reconnects, and no accepted job is lost', async () => {
    const queue = queueName('restart');
    const names = ['r1', 'r2'].map((n) => `${queue}-${n}`);
    await consumers(names, { queue, poolSize: 8, taskMs: 2 });
    const { pool, outcomes, redisStatus } = producer(queue, 64);
    const count = 3_000;
    const results = await submitAll(pool, count, 1_000, () => redis.restart(500));
    for (const [k, result] of results.entries())
      expect(result).toMatchObject({ _tag: 'Right', right: { k } });
    expect(outcomes.length).toBe(count);
    // The producer saw Redis go and come back.
    expect(redisStatus).toEqual(['down', 'up']);
    await pool.close();
  }, 120_000);
});
