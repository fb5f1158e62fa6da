/**
 * Restart intensity: a worker whose setup always throws is restarted exactly `maxRestarts` times
 * (5 within 10 s by default), with its backoff between tries on the virtual clock; the next crash
 * fails the pool with a `PoolFailedError`, rejects what was queued with `pool-failed`, emits
 * `pool.failed`, and leaves no unhandled rejection behind.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createPool,
  createVirtualClock,
  exponentialBackoff,
  fromAsync,
  isErr,
  PoolFailedError,
  type Pool,
  type TaskResult,
  type VirtualClock,
} from '@troupe/core';
import { track } from '../../packages/core/test/support/pool-harness.js';
import { conservationProblem, ofType, recordEvents, tagOf } from './support/observe.js';

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});
afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
});

class SetupError extends Error {}

function failingPool(clock: VirtualClock, options: { maxRestarts?: number } = {}) {
  let setups = 0;
  const pool = createPool({
    worker: fromAsync({
      setup: async ({ workerId }) => {
        setups++;
        throw new SetupError(`${workerId} cannot connect`);
      },
      run: async (n: number) => n,
    }),
    clock,
    // Defaults but the jitter draw: random 0.5 puts every delay on its base.
    supervision: options,
    random: () => 0.5,
  });
  return { pool, setups: () => setups };
}

/** Steps the clock by 1 ms until the pool leaves starting/running (bounded). */
async function untilGivenUp(pool: Pool<number, number>, clock: VirtualClock): Promise<void> {
  await clock.flush();
  for (let i = 0; i < 100_000; i++) {
    const state = pool.getSnapshot().state;
    if (state !== 'starting' && state !== 'running') return;
    await clock.advance(1);
  }
}

describe('restart intensity: 5 restarts within 10 s (defaults)', () => {
  it('restarts a worker whose setup always throws exactly 5 times, then fails the pool', async () => {
    const clock = createVirtualClock();
    const { pool, setups } = failingPool(clock);
    const seen = recordEvents(pool, clock);
    const states: string[] = [];
    pool.state$.subscribe((s) => states.push(s));
    pool.start();
    const queued = [1, 2, 3].map((n) => track(pool.submit(n)));
    await untilGivenUp(pool, clock);

    // Five restarts after 10, 20, 40, 80 and 160 ms; the sixth setup failure gives up at 310 ms.
    const backoff = exponentialBackoff();
    const delays = [1, 2, 3, 4, 5].map((k) => backoff.base(k));
    const failedAt = delays.reduce((a, b) => a + b, 0);
    expect(states).toEqual(['stopped', 'starting', 'failed']);
    expect(setups()).toBe(6);
    const m = pool.getSnapshot().metrics;
    expect({ restarts: m.restarts, crashes: m.crashes, hangs: m.hangs }).toEqual({
      restarts: 5,
      crashes: 6,
      hangs: 0,
    });
    const restarting = ofType(seen, 'worker.restarting');
    expect(restarting.map((r) => [r.at, r.event.attempt, r.event.workerId])).toEqual(
      [0, 1, 2, 3, 4].map((i) => [delays.slice(0, i).reduce((a, b) => a + b, 0), i + 1, 'pool-w1']),
    );
    expect(restarting.map((r) => r.event.delayMs)).toEqual(delays);
    expect(ofType(seen, 'worker.crashed').map((c) => c.event.workerId)).toEqual([
      'pool-w1',
      'pool-w1-r1',
      'pool-w1-r2',
      'pool-w1-r3',
      'pool-w1-r4',
      'pool-w1-r5',
    ]);
    expect(ofType(seen, 'worker.restarted')).toEqual([]);

    // The failure: one pool.failed event, the same error as the snapshot's, naming the limit.
    const failed = ofType(seen, 'pool.failed');
    expect(failed.map((f) => f.at)).toEqual([failedAt]);
    const failure = pool.getSnapshot().failure;
    expect(failure).toBeInstanceOf(PoolFailedError);
    expect(failed[0]?.event.error).toBe(failure);
    // The refused sixth restart is counted: 6 restarts within 10 s exceed the limit of 5.
    expect(failure).toMatchObject({ pool: 'pool', restarts: 6, withinMs: 10_000 });
    expect(failure?.cause).toBeInstanceOf(SetupError);
    expect((failure?.cause as Error).message).toBe('pool-w1-r5 cannot connect');
    expect(failure?.message).toMatch(/6 worker restarts within 10000 ms/);

    // What was queued is rejected pool-failed; later submits are refused pool-failed.
    await clock.flush();
    for (const q of queued) {
      expect(q.settled).toBe(1);
      const r = q.value as TaskResult<number>;
      expect(isErr(r) && r.left).toMatchObject({ _tag: 'TaskRejected', reason: 'pool-failed' });
    }
    const after = await pool.submit(4);
    expect(isErr(after) && after.left).toMatchObject({
      _tag: 'TaskRejected',
      reason: 'pool-failed',
    });
    expect(conservationProblem(pool.getSnapshot().metrics)).toBeUndefined();
    expect(pool.getSnapshot().metrics).toMatchObject({ submitted: 3, dropped: 3, rejected: 1 });

    // Nothing more happens: no restart after the failure, however long we wait.
    await clock.advance(60_000);
    expect(setups()).toBe(6);
    expect(pool.getSnapshot().state).toBe('failed');
    expect(pool.getSnapshot().workers).toEqual([]);
    await pool.close();
    expect(pool.getSnapshot().state).toBe('stopped');
    await clock.flush();
    expect(unhandled).toEqual([]);
  });

  it('does not count timeouts: runs left behind crash nothing, the pool keeps running', async () => {
    const clock = createVirtualClock();
    const pool = createPool({
      worker: () => new Promise<number>(() => undefined),
      timeoutMs: 100,
      clock,
      supervision: { maxRestarts: 2, withinMs: 10_000, backoff: { minMs: 0, maxMs: 0 } },
    }).start();
    const results = [1, 2, 3, 4].map((n) => track(pool.submit(n)));
    for (let i = 0; i < 4; i++) await clock.advance(100);
    await clock.flush();
    expect(pool.getSnapshot().state).toBe('running');
    expect(pool.getSnapshot().metrics).toMatchObject({
      hangs: 4,
      timedOut: 4,
      restarts: 0,
      crashes: 0,
      workers: 1,
    });
    expect(results.map((r) => tagOf(r.value))).toEqual(new Array(4).fill('TaskTimedOut'));
    await pool.close();
    expect(unhandled).toEqual([]);
  });

  it("with timeouts: 'crash-worker', counts hung workers towards the limit", async () => {
    const clock = createVirtualClock();
    const pool = createPool({
      worker: () => new Promise<number>(() => undefined),
      timeoutMs: 100,
      clock,
      supervision: {
        maxRestarts: 2,
        withinMs: 10_000,
        backoff: { minMs: 0, maxMs: 0 },
        timeouts: 'crash-worker',
      },
    }).start();
    const results = [1, 2, 3, 4].map((n) => track(pool.submit(n)));
    for (let i = 0; i < 3; i++) await clock.advance(100);
    await clock.flush();
    expect(pool.getSnapshot().state).toBe('failed');
    expect(pool.getSnapshot().metrics).toMatchObject({ hangs: 3, restarts: 2, crashes: 0 });
    expect(results.map((r) => tagOf(r.value))).toEqual([
      'TaskTimedOut',
      'TaskTimedOut',
      'TaskTimedOut',
      'TaskRejected',
    ]);
    expect(pool.getSnapshot().failure).toMatchObject({ restarts: 3, withinMs: 10_000 });
    await pool.close();
    expect(unhandled).toEqual([]);
  });

  it('maxRestarts 0 fails at the first crash, without a restart', async () => {
    const clock = createVirtualClock();
    const { pool, setups } = failingPool(clock, { maxRestarts: 0 });
    const seen = recordEvents(pool, clock);
    pool.start();
    await untilGivenUp(pool, clock);
    expect(pool.getSnapshot().state).toBe('failed');
    expect(setups()).toBe(1);
    expect(ofType(seen, 'worker.restarting')).toEqual([]);
    expect(pool.getSnapshot().metrics.restarts).toBe(0);
    expect(clock.now()).toBe(0);
    await pool.close();
    expect(unhandled).toEqual([]);
  });
});
