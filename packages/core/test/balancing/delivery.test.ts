/**
 * How tasks reach members and their answers come back: a plain submit to a pool goes bare (the
 * pool's promise is the caller's, the balancer keeps nothing per task) and must still be counted,
 * rerouted when the pool gives it back unrun, and seen on results$.
 */
import { describe, expect, it } from 'vitest';
import { createBalancer, createPool, isOk, type TaskOutcome } from '@troupe/core';
import { echoPool, running } from './support.js';

describe('balancer delivery', () => {
  it('a task a member drops from its queue later (drop-oldest) goes to another member, not to the caller', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const a = createPool({
      name: 'a',
      worker: async (x: number) => {
        await gate;
        return `a:${x}`;
      },
      size: 1,
      queue: { capacity: 1, overflow: 'drop-oldest' },
    }).start();
    const b = createPool({ name: 'b', worker: async (x: number) => `b:${x}`, size: 1 }).start();
    await Promise.all([running(a), running(b)]);
    // Always a while it is offered: b gets only what a gives back.
    const balancer = createBalancer({
      pools: [a, b],
      strategy: (members) =>
        Math.max(
          0,
          members.findIndex((m) => m.name === 'a'),
        ),
    });
    const first = balancer.run(1); // runs at a
    const second = balancer.run(2); // queued at a …
    const third = balancer.run(3); // … until this one takes its place: 2 is dropped there
    expect(await second).toBe('b:2');
    release();
    expect(await Promise.all([first, third])).toEqual(['a:1', 'a:3']);
    expect(balancer.getSnapshot().metrics).toMatchObject({
      submitted: 3,
      completed: 3,
      rejected: 0,
      dropped: 0,
      active: 0,
    });
    await Promise.all([balancer.close(), a.close(), b.close()]);
  });

  it('counts bare tasks exactly, and results$ subscribed mid-flight hears those that settle after', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const pool = createPool({
      name: 'held',
      worker: async (x: number) => {
        await gate;
        return x;
      },
      size: 2,
    }).start();
    await running(pool);
    const balancer = createBalancer({ pools: [pool] });
    const before = [balancer.submit(1), balancer.submit(2)];
    const seen: TaskOutcome<number>[] = [];
    balancer.results$.subscribe((o) => seen.push(o));
    const after = balancer.submit(3);
    release();
    const results = await Promise.all([...before, after]);
    expect(results.every(isOk)).toBe(true);
    await balancer.onIdle();
    // Each heard once; the one submitted while watched has its number (a bare one before has 0).
    expect(seen.map((o) => (isOk(o.result) ? o.result.right : -1)).sort()).toEqual([1, 2, 3]);
    expect(seen.find((o) => isOk(o.result) && o.result.right === 3)!.taskId).toBeGreaterThan(0);
    expect(seen.filter((o) => o.taskId === 0).length).toBeGreaterThan(0);
    expect(balancer.getSnapshot().metrics).toMatchObject({ submitted: 3, completed: 3, active: 0 });
    await Promise.all([balancer.close(), pool.close()]);
  });

  it('a batch pool member (no callback path) is fed through submit and still counted', async () => {
    const batch = createPool({
      name: 'batch',
      worker: async (xs: number[]) => xs.map((x) => x * 2),
      batch: { size: 4, maxWaitMs: 1 },
    }).start();
    const plain = await echoPool('plain', 1);
    await running(batch);
    const balancer = createBalancer({ pools: [batch, plain.pool], strategy: 'round-robin' });
    const out = await Promise.all(Array.from({ length: 8 }, (_, i) => balancer.run(i)));
    expect(out).toEqual([0, 1, 4, 3, 8, 5, 12, 7]);
    expect(balancer.getSnapshot().metrics).toMatchObject({ submitted: 8, completed: 8 });
    await Promise.all([balancer.close(), batch.close(), plain.pool.close()]);
  });
});
