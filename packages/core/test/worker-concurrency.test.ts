/**
 * Workers that run several tasks at once (`concurrency` of their logic): each is a lane of its
 * worker, the worker is busy while any lane is, and what happens to a worker (crash, shrink,
 * idle timeout) happens to all its lanes.
 */
import { describe, expect, it } from 'vitest';
import {
  createPool,
  createVirtualClock,
  fromAsync,
  InvalidOptionError,
  isErr,
  isOk,
  type TaskContext,
} from '@troupe/core';
import { expectConserved } from './support/conservation.js';

/** A worker whose tasks wait for `ms` of virtual time and report where they ran. */
function lanes(concurrency: number, clock = createVirtualClock()) {
  const running = new Map<string, number>();
  let most = 0;
  const logic = fromAsync({
    concurrency,
    run: (ms: number, { workerId, signal }: TaskContext) =>
      new Promise<string>((resolve) => {
        running.set(workerId, (running.get(workerId) ?? 0) + 1);
        most = Math.max(most, running.get(workerId)!);
        const done = () => running.set(workerId, running.get(workerId)! - 1);
        if (ms === Infinity) {
          signal.addEventListener('abort', done, { once: true });
          return;
        }
        clock.setTimeout(() => {
          done();
          resolve(workerId);
        }, ms);
      }),
  });
  return { clock, logic, running, most: () => most };
}

describe('worker concurrency', () => {
  it('runs up to concurrency × size tasks at once, the rest queue, and all complete', async () => {
    const { clock, logic, most } = lanes(3);
    const pool = createPool({ worker: logic, size: 2, clock }).start();
    await clock.flush();
    const all = pool.submitMany(Array<number>(10).fill(100));
    await clock.flush();
    const s = pool.getSnapshot();
    expect(s.metrics).toMatchObject({ active: 6, queued: 4, workers: 2 });
    expect(s.workers.map((w) => w.state)).toEqual(['busy', 'busy']);
    await clock.advance(100);
    expect(pool.getSnapshot().metrics).toMatchObject({ active: 4, queued: 0, completed: 6 });
    await clock.advance(100);
    const results = await all;
    expect(results.every(isOk)).toBe(true);
    expect(most()).toBe(3);
    const { metrics, workers } = pool.getSnapshot();
    expect(workers.map((w) => w.tasksDone).reduce((a, b) => a + b)).toBe(10);
    expect(metrics.utilisation).toBeGreaterThan(0.9);
    expectConserved(metrics);
    await pool.close();
  });

  it('spreads a burst over the workers instead of filling one', async () => {
    const { clock, logic } = lanes(4);
    const pool = createPool({ worker: logic, size: 3, clock }).start();
    await clock.flush();
    const where = await Promise.all([pool.run(10), pool.run(10), pool.run(10), clock.advance(10)]);
    expect(new Set(where.slice(0, 3)).size).toBe(3);
    await pool.close();
  });

  it('a timeout on one lane leaves its run behind: the lane takes the next task, its siblings run on', async () => {
    const { clock, logic } = lanes(3);
    const pool = createPool({ worker: logic, size: 1, clock, timeoutMs: 50 }).start();
    await clock.flush();
    const hung = pool.submit(Infinity, { timeoutMs: 20 });
    const others = [pool.submit(40), pool.submit(40), pool.submit(10)];
    await clock.advance(20);
    expect(pool.getSnapshot().metrics).toMatchObject({ timedOut: 1, active: 3, queued: 0 });
    await clock.advance(40);
    const tags = [await hung, ...(await Promise.all(others))].map((r) =>
      isErr(r) ? r.left._tag : r.right,
    );
    expect(tags).toEqual(['TaskTimedOut', 'pool-w1', 'pool-w1', 'pool-w1']);
    const m = pool.getSnapshot().metrics;
    expect([m.hangs, m.crashes, m.restarts, m.replaced]).toEqual([1, 0, 0, 0]);
    expectConserved(m);
    await pool.close();
  });

  it("a timeout on one lane crashes the worker ('crash-worker'): its other tasks end WorkerCrashed, a new worker takes over", async () => {
    const { clock, logic } = lanes(3);
    const pool = createPool({
      worker: logic,
      size: 1,
      clock,
      timeoutMs: 50,
      supervision: { timeouts: 'crash-worker' },
    }).start();
    await clock.flush();
    const hung = pool.submit(Infinity, { timeoutMs: 20 });
    const others = [pool.submit(40), pool.submit(40)];
    await clock.advance(20);
    const tags = [await hung, ...(await Promise.all(others))].map((r) =>
      isErr(r) ? r.left._tag : r.right,
    );
    expect(tags).toEqual(['TaskTimedOut', 'WorkerCrashed', 'WorkerCrashed']);
    await clock.advance(100);
    const next = pool.run(1);
    await clock.advance(1);
    expect(await next).toBe('pool-w1-r1');
    expectConserved(pool.getSnapshot().metrics);
    await pool.close();
  });

  it('a shrunk busy worker takes no new task on its free lanes and stops after its last one', async () => {
    const { clock, logic, running } = lanes(3);
    const pool = createPool({ worker: logic, size: 2, clock }).start();
    await clock.flush();
    const first = [pool.submit(100), pool.submit(100)]; // one on each worker
    await clock.flush();
    const resized = pool.resize(1);
    const later = pool.submitMany(Array<number>(4).fill(10));
    await clock.flush();
    // The worker that stays fills its two free lanes, two tasks wait; the retiring one runs
    // only the task it had.
    expect(pool.getSnapshot().metrics).toMatchObject({ active: 4, queued: 2 });
    expect([...running.values()].sort()).toEqual([1, 3]);
    await clock.advance(200);
    await resized;
    expect((await Promise.all(first)).every(isOk)).toBe(true);
    expect((await later).every(isOk)).toBe(true);
    expect(pool.getSnapshot().workers).toHaveLength(1);
    await pool.close();
  });

  it('a dynamic pool grows only when the work is beyond the lanes of the workers it has', async () => {
    const { clock, logic } = lanes(4);
    const pool = createPool({
      worker: logic,
      size: { min: 1, max: 3, idleTimeoutMs: 500 },
      clock,
    }).start();
    await clock.flush();
    const four = pool.submitMany(Array<number>(4).fill(100));
    await clock.flush();
    expect(pool.getSnapshot().size).toBe(1);
    const fifth = pool.submit(100);
    await clock.flush();
    expect(pool.getSnapshot().size).toBe(2);
    await clock.advance(100);
    await Promise.all([four, fifth]);
    // Idle for the timeout: back to min, once every lane of the extra worker is idle.
    await clock.advance(500);
    expect(pool.getSnapshot()).toMatchObject({ size: 1, metrics: { workers: 1 } });
    await pool.close();
    expect(clock.pending()).toBe(0);
  });

  it('refuses a concurrency that is not a whole number from 1 to 1024', () => {
    for (const concurrency of [0, -1, 1.5, NaN, 1_025]) {
      expect(() =>
        createPool({ worker: fromAsync({ concurrency, run: (n: number) => n }) }),
      ).toThrow(InvalidOptionError);
    }
    expect(() =>
      createPool({ worker: fromAsync({ concurrency: 0, run: (n: number) => n }) }),
    ).toThrow(/worker\.concurrency.*0.*whole number from 1 to 1024/);
  });
});
