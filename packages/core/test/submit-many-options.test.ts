/** `submitMany` options (priority, timeoutMs, retry, and the refused ones) apply to every item. */
import { describe, expect, it } from 'vitest';
import { createPool, createVirtualClock, isErr } from '@troupe/core';
import { expectConserved } from './support/conservation.js';
import { reasonOf, valueOf } from './support/results.js';
import { after, settleWith } from './support/virtual-time.js';

describe('submitMany: options apply to every item', () => {
  it('priority: the whole batch runs at its level', async () => {
    const clock = createVirtualClock();
    const order: string[] = [];
    const pool = createPool({
      worker: (s: string) => {
        order.push(s);
        return after(clock, 10, s);
      },
      size: 1,
      queue: { kind: 'priority', levels: 3 },
      clock,
    }).start();
    await clock.flush();
    const blocker = pool.submit('blocker');
    const low = pool.submitMany(['low1', 'low2'], { priority: 0 });
    const high = pool.submitMany(['high1', 'high2'], { priority: 2 });
    const all = await settleWith(clock, Promise.all([blocker, low, high]));
    expect(order).toEqual(['blocker', 'high1', 'high2', 'low1', 'low2']);
    expect(all[1].map(valueOf)).toEqual(['low1', 'low2']);
    expect(all[2].map(valueOf)).toEqual(['high1', 'high2']);
    await pool.close();
  });

  it('timeoutMs: each item has its own deadline from its own start', async () => {
    const clock = createVirtualClock();
    const pool = createPool({
      worker: (ms: number) => after(clock, ms, ms),
      size: 2,
      clock,
      supervision: { backoff: { minMs: 0, maxMs: 0, jitter: 0 } },
    }).start();
    await clock.flush();
    const results = await settleWith(clock, pool.submitMany([10, 100, 30, 40], { timeoutMs: 50 }));
    expect(results.map(valueOf)).toEqual([10, 'TaskTimedOut', 30, 40]);
    expect(pool.getSnapshot().metrics).toMatchObject({ completed: 3, timedOut: 1 });
    expectConserved(pool.getSnapshot().metrics);
    await pool.close();
  });

  it('retry: every item gets the policy (each fails once, then succeeds)', async () => {
    const clock = createVirtualClock();
    const tries = new Map<number, number>();
    const pool = createPool({
      worker: async (n: number) => {
        const t = (tries.get(n) ?? 0) + 1;
        tries.set(n, t);
        if (t === 1) throw new Error(`first try of ${n}`);
        return n * 2;
      },
      size: 1,
      clock,
    }).start();
    const retry = { attempts: 2, backoff: { minMs: 5, maxMs: 5, jitter: 0 } };
    const results = await settleWith(clock, pool.submitMany([1, 2, 3], { retry }));
    expect(results.map(valueOf)).toEqual([2, 4, 6]);
    expect(pool.getSnapshot().metrics).toMatchObject({ completed: 3, failed: 0, retries: 3 });
    // Without the option the pool does not retry: the items of another call fail.
    const plain = await settleWith(clock, pool.submitMany([4, 5]));
    expect(plain.map(valueOf)).toEqual(['TaskFailed', 'TaskFailed']);
    expectConserved(pool.getSnapshot().metrics);
    await pool.close();
  });

  it('an id is refused: every item TaskRejected invalid-input naming the id, nothing runs', async () => {
    let runs = 0;
    const pool = createPool({ worker: (n: number) => (runs++, n) }).start();
    const results = await pool.submitMany([1, 2, 3], { id: 'job' });
    expect(results.map(reasonOf)).toEqual(['invalid-input', 'invalid-input', 'invalid-input']);
    for (const r of results) expect(isErr(r) && r.left.message).toMatch(/\bid\b/);
    expect(pool.getSnapshot().metrics).toMatchObject({ submitted: 0, rejected: 3 });
    await pool.onIdle();
    expect(runs).toBe(0);
    await pool.close();
  });

  it.each([
    ['timeoutMs -1', { timeoutMs: -1 }, /timeoutMs/],
    ['priority 1 on a FIFO queue', { priority: 1 }, /priority/],
    ['retry.attempts 0', { retry: { attempts: 0 } }, /attempts/],
  ])(
    'invalid options (%s): every item invalid-input, rejected grows by n',
    async (_, options, message) => {
      let runs = 0;
      const pool = createPool({ worker: (n: number) => (runs++, n) }).start();
      void pool.submit(0, { timeoutMs: -5 }); // one refusal before: the count grows from 1
      const results = await pool.submitMany([1, 2, 3, 4], options);
      expect(results.map(reasonOf)).toEqual([
        'invalid-input',
        'invalid-input',
        'invalid-input',
        'invalid-input',
      ]);
      for (const r of results) expect(isErr(r) && r.left.message).toMatch(message);
      expect(pool.getSnapshot().metrics).toMatchObject({ submitted: 0, rejected: 5 });
      expect(runs).toBe(0);
      await pool.close();
    },
  );
});
