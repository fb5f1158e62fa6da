/** A balancer's own queue: overflow 'wait', and live weights steering away from a failing member. */
import { describe, expect, it } from 'vitest';
import { createBalancer, createPool, createVirtualClock } from '@troupe/core';
import { running } from './support.js';

describe('balancer queue', () => {
  it("overflow 'wait': a submit past capacity waits for room, then runs; close({ cancelQueued }) cancels both", async () => {
    const clock = createVirtualClock();
    const a = createPool({ name: 'a', worker: async (x: number) => x, size: 1, clock });
    const balancer = createBalancer({ pools: [a], clock, capacity: 1, overflow: 'wait' });
    const first = balancer.run(1);
    const second = balancer.run(2); // waits for room
    expect(balancer.queueSize).toBe(2);
    expect(balancer.getSnapshot().metrics).toMatchObject({ queued: 1, waiting: 1, submitted: 2 });
    a.start();
    await running(a);
    expect(await Promise.all([first, second])).toEqual([1, 2]);
    await Promise.all([balancer.close(), a.close()]);
    const idle = createPool({ name: 'idle', worker: async (x: number) => x, size: 1, clock });
    const other = createBalancer({ pools: [idle], clock, capacity: 1, overflow: 'wait' });
    const queued = other.submit(1);
    const waiting = other.submit(2);
    await other.close({ cancelQueued: true });
    expect((await queued)._tag === 'Left' && (await queued)).toMatchObject({
      left: { _tag: 'TaskCancelled' },
    });
    // As a pool's cancelQueued: submits waiting for room are cancelled too.
    expect(await waiting).toMatchObject({ left: { _tag: 'TaskCancelled' } });
    expect(other.getSnapshot().metrics).toMatchObject({ submitted: 2, cancelled: 2 });
  });

  it("weights: 'live' sends less to a member whose runs fail", async () => {
    const clock = createVirtualClock();
    const good = createPool({
      name: 'good',
      worker: async (x: number) => x,
      size: 2,
      clock,
    }).start();
    const bad = createPool({
      name: 'bad',
      size: 2,
      clock,
      worker: async (x: number): Promise<number> => {
        if (x % 10 !== 0) throw new Error('flaky');
        return x;
      },
    }).start();
    await clock.flush();
    const balancer = createBalancer({
      pools: [good, bad],
      strategy: 'weighted',
      weights: 'live',
      clock,
      intervalMs: 10,
    });
    // Warm up: equal weights, the bad member's error rate shows at the next refresh.
    await Promise.all(Array.from({ length: 100 }, (_, i) => balancer.submit(i)));
    await clock.advance(10);
    await Promise.all(Array.from({ length: 64 }, (_, i) => balancer.submit(i)));
    await clock.advance(10);
    const before = bad.getSnapshot().metrics.completed + bad.getSnapshot().metrics.failed;
    await Promise.all(Array.from({ length: 1000 }, (_, i) => balancer.submit(i)));
    const after = bad.getSnapshot().metrics.completed + bad.getSnapshot().metrics.failed;
    // error rate 0.9: weight max(0.05, 0.1) = 0.1 against 1 — about 9% of the tasks.
    expect((after - before) / 1000).toBeLessThan(0.15);
    await Promise.all([balancer.close(), good.close(), bad.close()]);
  });
});
