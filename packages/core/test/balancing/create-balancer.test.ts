/**
 * A balancer as its callers see it: a sink that routes over its members, skips those that are not
 * running or not available, holds what none can take, and closes cleanly.
 */
import { describe, expect, it } from 'vitest';
import {
  createBalancer,
  createPool,
  createVirtualClock,
  isErr,
  isOk,
  type TaskOutcome,
} from '@troupe/core';
import { echoPool, running } from './support.js';

describe('createBalancer', () => {
  it('static weights [3, 1] hold within ±3% over 100,000 trivial tasks', async () => {
    const a = await echoPool('a', 4);
    const b = await echoPool('b', 4);
    const balancer = createBalancer({
      pools: [a.pool, b.pool],
      strategy: 'weighted',
      weights: [3, 1],
    });
    const results = await Promise.all(
      Array.from({ length: 100_000 }, (_, i) => balancer.submit(i)),
    );
    expect(results.every(isOk)).toBe(true);
    expect(a.ran.length / 100_000).toBeGreaterThanOrEqual(0.75 * 0.97);
    expect(a.ran.length / 100_000).toBeLessThanOrEqual(0.75 * 1.03);
    expect(b.ran.length / 100_000).toBeGreaterThanOrEqual(0.25 * 0.97);
    expect(b.ran.length / 100_000).toBeLessThanOrEqual(0.25 * 1.03);
    expect(balancer.getSnapshot().metrics).toMatchObject({
      submitted: 100_000,
      completed: 100_000,
      active: 0,
    });
    await balancer.close();
    await Promise.all([a.pool.close(), b.pool.close()]);
  });

  it('every strategy completes every task, each exactly once', async () => {
    for (const strategy of [
      'round-robin',
      'least-loaded',
      'power-of-two-choices',
      'key-hash',
    ] as const) {
      const members = await Promise.all([echoPool('a', 2), echoPool('b', 3), echoPool('c', 1)]);
      const balancer = createBalancer({ pools: members.map((m) => m.pool), strategy });
      const out = await Promise.all(
        Array.from({ length: 300 }, (_, i) => balancer.run(i, { key: `k${i % 17}` })),
      );
      expect(out).toEqual(Array.from({ length: 300 }, (_, i) => i));
      const ran = members.flatMap((m) => m.ran).sort((x, y) => x - y);
      expect(ran).toEqual(out);
      await balancer.close({}).then(() => Promise.all(members.map((m) => m.pool.close())));
    }
  });

  it('key-hash sends every task of a key to the same member', async () => {
    const members = await Promise.all(['a', 'b', 'c'].map((n) => echoPool(n, 2)));
    const balancer = createBalancer({
      pools: members.map((m) => m.pool),
      strategy: 'key-hash',
      owns: true,
    });
    await Promise.all(
      Array.from({ length: 600 }, (_, i) => balancer.run(i, { key: `user-${i % 20}` })),
    );
    const owner = new Map<number, number>();
    members.forEach((m, mi) => m.ran.forEach((x) => owner.set(x, mi)));
    for (let k = 0; k < 20; k++) {
      const homes = new Set(Array.from({ length: 30 }, (_, j) => owner.get(k + 20 * j)));
      expect(homes.size).toBe(1);
    }
    await balancer.close();
    expect(members.every((m) => m.pool.getSnapshot().state === 'stopped')).toBe(true);
  });

  it('a member closed or marked unavailable gets no task afterwards; all tasks complete', async () => {
    const a = await echoPool('a', 2);
    const b = await echoPool('b', 2);
    const c = await echoPool('c', 2);
    let bAvailable = true;
    const balancer = createBalancer({
      pools: [a.pool, b.pool, c.pool],
      strategy: 'round-robin',
      isAvailable: (member) => member.name !== 'b' || bAvailable,
    });
    await Promise.all(Array.from({ length: 30 }, (_, i) => balancer.run(i)));
    expect([a.ran.length, b.ran.length, c.ran.length]).toEqual([10, 10, 10]);
    bAvailable = false;
    await a.pool.close();
    const after = await Promise.all(Array.from({ length: 50 }, (_, i) => balancer.run(100 + i)));
    expect(after).toHaveLength(50);
    expect(a.ran.length).toBe(10);
    expect(b.ran.length).toBe(10);
    expect(c.ran.length).toBe(60);
    expect(balancer.getSnapshot().members.map((m) => [m.name, m.state, m.available])).toEqual([
      ['a', 'stopped', false],
      ['b', 'running', false],
      ['c', 'running', true],
    ]);
    await balancer.close({});
    await Promise.all([b.pool.close(), c.pool.close()]);
  });

  it('holds tasks while no member runs, and routes them once one does', async () => {
    const clock = createVirtualClock();
    const a = createPool({ name: 'apiA', worker: async (x: number) => x + 1, size: 1, clock });
    const b = createPool({ name: 'apiB', worker: async (x: number) => x + 1, size: 1, clock });
    const balancer = createBalancer({ name: 'api', pools: [a, b], clock, capacity: 2 });
    expect(balancer.getSnapshot().state).toBe('stopped');
    const first = balancer.run(1);
    const second = balancer.run(2);
    const third = await balancer.submit(3);
    expect(isErr(third) && third.left).toMatchObject({
      _tag: 'TaskRejected',
      reason: 'queue-full',
      message:
        "no member of balancer 'api' is running: apiA is stopped, apiB is stopped; and its queue is full (capacity 2)",
    });
    expect(balancer.queueSize).toBe(2);
    expect(balancer.getSnapshot().metrics).toMatchObject({ submitted: 2, queued: 2, rejected: 1 });
    b.start();
    await running(b);
    expect(await Promise.all([first, second])).toEqual([2, 3]);
    expect(balancer.getSnapshot().state).toBe('running');
    await balancer.close();
    await b.close();
  });

  it('with capacity 0, refuses at once and says why', async () => {
    const a = createPool({ name: 'apiA', worker: async (x: number) => x, size: 1 });
    const b = createPool({
      name: 'apiB',
      worker: async (): Promise<number> => {
        throw new Error('x');
      },
      size: 1,
    });
    const balancer = createBalancer({ name: 'api', pools: [a, b], capacity: 0 });
    await expect(balancer.run(1)).rejects.toMatchObject({
      reason: 'queue-full',
      message: "no member of balancer 'api' is running: apiA is stopped, apiB is stopped",
    });
    await balancer.close();
  });

  it("a member's queue-full refusal goes to another member, not to the caller", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = createPool({
      name: 'slow',
      worker: async (x: number) => {
        await gate;
        return x;
      },
      size: 1,
      queue: { capacity: 1 },
    }).start();
    const fast = await echoPool('fast', 1);
    await running(slow);
    // Round-robin would send every other task to slow; it takes 2 (one running, one queued).
    const balancer = createBalancer({ pools: [slow, fast.pool], strategy: 'round-robin' });
    const results = Array.from({ length: 10 }, (_, i) => balancer.run(i));
    // slow runs 0 and queues 2; 4, 6 and 8 bounce off its full queue to fast.
    const early = await Promise.all(results.filter((_, i) => i !== 0 && i !== 2));
    expect(early).toEqual([1, 3, 4, 5, 6, 7, 8, 9]);
    release();
    expect(await Promise.all([results[0], results[2]])).toEqual([0, 2]);
    expect(slow.getSnapshot().metrics.completed + fast.ran.length).toBe(10);
    expect(balancer.getSnapshot().metrics).toMatchObject({
      submitted: 10,
      completed: 10,
      dropped: 0,
    });
    await Promise.all([balancer.close(), slow.close(), fast.pool.close()]);
  });

  it('results$ carries the caller id; metrics count what went through; onIdle waits for it all', async () => {
    const a = await echoPool('a', 1);
    const balancer = createBalancer({ pools: { first: a.pool } });
    const seen: TaskOutcome<number>[] = [];
    balancer.results$.subscribe((o) => seen.push(o));
    void balancer.submit(7, { id: 'seven' });
    const dup = await balancer.submit(8, { id: 'seven' });
    expect(isErr(dup) && dup.left).toMatchObject({ reason: 'invalid-input' });
    await balancer.onIdle();
    expect(seen).toMatchObject([{ id: 'seven', result: { _tag: 'Right', right: 7 } }]);
    const m = balancer.getSnapshot().metrics;
    expect(m).toMatchObject({ submitted: 1, completed: 1, rejected: 1, workers: 1 });
    expect(m.latency.count).toBe(1);
    await balancer.close();
    await a.pool.close();
  });

  it('nests: a balancer is a member of another', async () => {
    const [a, b, c] = await Promise.all([echoPool('a', 1), echoPool('b', 1), echoPool('c', 2)]);
    const inner = createBalancer({
      name: 'inner',
      pools: [a.pool, b.pool],
      strategy: 'round-robin',
    });
    const outer = createBalancer({
      name: 'outer',
      pools: [inner, c.pool],
      strategy: 'round-robin',
    });
    expect(outer.getSnapshot().state).toBe('running');
    await Promise.all(Array.from({ length: 40 }, (_, i) => outer.run(i)));
    expect([a.ran.length, b.ran.length, c.ran.length]).toEqual([10, 10, 20]);
    expect(outer.getSnapshot().size).toBe(4);
    await outer.close();
    await inner.close();
    await Promise.all([a, b, c].map((m) => m.pool.close()));
  });

  it('close: stops taking tasks, drains, completes its streams, leaves members running', async () => {
    const clock = createVirtualClock();
    const a = createPool({ name: 'a', worker: async (x: number) => x, size: 1, clock }).start();
    await clock.flush();
    const balancer = createBalancer({ pools: [a], clock });
    let completed = false;
    balancer.state$.subscribe({ complete: () => (completed = true) });
    const task = balancer.run(5);
    const closing = balancer.close();
    const late = await balancer.submit(6);
    expect(isErr(late) && late.left.message).toBe(
      "balancer 'balancer' is closed: it takes no more tasks",
    );
    expect(await task).toBe(5);
    await closing;
    expect(completed).toBe(true);
    expect(clock.pending()).toBe(0);
    expect(a.getSnapshot().state).toBe('running');
    await a.close();
  });

  it('close({ cancelQueued }) cancels what it holds; { timeoutMs } bounds the drain', async () => {
    const clock = createVirtualClock();
    const a = createPool({ name: 'a', worker: async (x: number) => x, size: 1, clock });
    const balancer = createBalancer({ pools: [a], clock });
    const held = balancer.submit(1);
    await balancer.close({ cancelQueued: true });
    const r = await held;
    expect(isErr(r) && r.left._tag).toBe('TaskCancelled');
    const other = createBalancer({ pools: [a], clock });
    const waiting = other.submit(2);
    const closing = other.close({ timeoutMs: 50 });
    await clock.advance(50);
    await closing;
    expect(isErr(await waiting) && 'cancelled').toBe('cancelled');
  });

  it('a held task whose signal aborts is cancelled and leaves the queue', async () => {
    const a = createPool({ name: 'a', worker: async (x: number) => x, size: 1 });
    const balancer = createBalancer({ pools: [a], clock: createVirtualClock() });
    const controller = new AbortController();
    const r = balancer.submit(1, { signal: controller.signal });
    controller.abort(new Error('no longer needed'));
    const result = await r;
    expect(isErr(result) && result.left._tag).toBe('TaskCancelled');
    expect(balancer.queueSize).toBe(0);
    expect(balancer.getSnapshot().metrics).toMatchObject({ submitted: 1, cancelled: 1, queued: 0 });
    await balancer.close();
  });

  it('refuses held tasks with pool-closed once every member has left', async () => {
    const a = createPool({ name: 'a', worker: async (x: number) => x, size: 1 });
    const balancer = createBalancer({ name: 'api', pools: [a], clock: createVirtualClock() });
    const held = balancer.submit(1);
    await a.close();
    const r = await held;
    expect(isErr(r) && r.left).toMatchObject({
      reason: 'pool-closed',
      message: "every member of balancer 'api' is closed",
    });
    await balancer.close();
  });
});
