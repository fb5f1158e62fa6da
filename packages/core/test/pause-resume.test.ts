/** `pause()` / `resume()`: submits queue while paused, nothing new starts, running tasks finish. */
import { describe, expect, it } from 'vitest';
import { createPool, createVirtualClock, isOk, PoolStateError, type PoolEvent } from '@troupe/core';
import { expectConserved } from './support/conservation.js';
import { timedPool } from './support/timed-worker.js';

describe('pause() / resume()', () => {
  it('queues submits while paused, lets running tasks finish, and starts the queue at once on resume', async () => {
    const { pool, clock, started } = timedPool({ size: 2 });
    const events: PoolEvent['type'][] = [];
    pool.events$.subscribe((e) => {
      if (e.type === 'pool.paused' || e.type === 'pool.resumed') events.push(e.type);
    });
    pool.start();
    await clock.flush();
    const running = pool.submit(100);
    expect(pool.pause()).toBe(pool);
    expect(pool.isPaused).toBe(true);
    const queued = [pool.submit(10), pool.submit(20), pool.submit(30)];
    expect(pool.queueSize).toBe(3);
    expect(pool.pending).toBe(1);
    await clock.advance(500);
    expect(isOk(await running)).toBe(true);
    expect(started).toEqual([100]); // nothing new started, a worker is free all along
    expect(pool.queueSize).toBe(3);
    expectConserved(pool.getSnapshot().metrics);
    pool.resume();
    // Both free workers take a task in the same tick as resume().
    expect(started).toEqual([100, 10, 20]);
    expect(pool.pending).toBe(2);
    expect(pool.isPaused).toBe(false);
    await clock.advance(100);
    expect((await Promise.all(queued)).every(isOk)).toBe(true);
    expect(events).toEqual(['pool.paused', 'pool.resumed']);
    expectConserved(pool.getSnapshot().metrics);
    await pool.close();
  });

  it('is idempotent: a second pause or a resume of a running pool tells nothing', async () => {
    const { pool, clock } = timedPool();
    const events: string[] = [];
    pool.events$.subscribe((e) => events.push(e.type));
    pool.start();
    await clock.flush();
    events.length = 0;
    pool.resume().pause().pause().resume().resume();
    expect(events).toEqual(['pool.paused', 'pool.resumed']);
    await pool.close();
  });

  it('a pool paused before start() starts its workers and waits', async () => {
    const { pool, clock, started } = timedPool({ size: 2 });
    pool.pause().start();
    await clock.flush();
    expect(pool.getSnapshot().state).toBe('running');
    const result = pool.submit(5);
    await clock.advance(50);
    expect(started).toEqual([]);
    pool.resume();
    await clock.advance(5);
    expect(isOk(await result)).toBe(true);
    await pool.close();
  });

  it('onIdle() waits for the paused queue; onEmpty() and onIdle() resolve once resumed', async () => {
    const { pool, clock } = timedPool();
    pool.start().pause();
    await clock.flush();
    void pool.submit(10);
    let idle = false;
    let empty = false;
    void pool.onIdle().then(() => (idle = true));
    void pool.onEmpty().then(() => (empty = true));
    await clock.advance(1_000);
    expect([idle, empty]).toEqual([false, false]);
    pool.resume();
    await clock.advance(0);
    expect([idle, empty]).toEqual([false, true]); // started: the queue is empty, the task runs
    await clock.advance(10);
    expect(idle).toBe(true);
    await pool.close();
  });

  it('holds a rate-limited pool without taking starts, and resumes within the limit', async () => {
    const { pool, clock } = timedPool({ size: 4, rate: { limit: 1, intervalMs: 100 } });
    const starts: number[] = [];
    pool.start();
    await clock.flush();
    pool.pause();
    const all = [1, 2, 3].map(async (n) => {
      await pool.run(n);
      starts.push(clock.now());
    });
    await clock.advance(1_000); // no start taken while paused
    pool.resume();
    await clock.advance(1_000);
    await Promise.all(all);
    // The first at once on resume, then one per 100 ms (each runs for its input in ms).
    expect(starts).toEqual([1_001, 1_102, 1_203]);
    await pool.close();
  });

  it('a paused dynamic pool does not grow on its queue; it grows once resumed', async () => {
    const { pool, clock } = timedPool({ size: { min: 1, max: 4 } });
    pool.start();
    await clock.flush();
    void pool.submit(1_000);
    pool.pause();
    const rest = [100, 100, 100].map((ms) => pool.submit(ms));
    await clock.advance(50);
    expect(pool.getSnapshot().size).toBe(1);
    pool.resume();
    await clock.advance(50);
    expect(pool.getSnapshot().size).toBe(4);
    await clock.advance(2_000);
    expect((await Promise.all(rest)).every(isOk)).toBe(true);
    await pool.close();
  });

  it('a drain close of a paused pool resumes to drain; pause() while closing is refused', async () => {
    const { pool, clock, started } = timedPool();
    pool.start();
    await clock.flush();
    pool.pause();
    const queued = [pool.submit(10), pool.submit(10)];
    const closed = pool.close();
    expect(pool.isPaused).toBe(false);
    expect(() => pool.pause()).toThrow(PoolStateError);
    await clock.advance(100);
    await closed;
    expect((await Promise.all(queued)).every(isOk)).toBe(true);
    expect(started).toEqual([10, 10]);
    expectConserved(pool.getSnapshot().metrics);
  });

  it('close({ abort }) of a paused pool cancels the queue without starting it', async () => {
    const { pool, clock, started } = timedPool();
    pool.start();
    await clock.flush();
    pool.pause();
    const queued = pool.submit(10);
    await pool.close({ abort: true });
    const result = await queued;
    expect(!isOk(result) && result.left._tag).toBe('TaskCancelled');
    expect(started).toEqual([]);
    expectConserved(pool.getSnapshot().metrics);
  });

  it('a batch pool keeps forming batches while paused and runs them on resume', async () => {
    const clock = createVirtualClock();
    const batches: number[][] = [];
    const pool = createPool({
      clock,
      batch: { size: 2, maxWaitMs: 10 },
      worker: (items: number[]) => {
        batches.push(items);
        return items.map((n) => n * 2);
      },
    }).start();
    await clock.flush();
    pool.pause();
    const results = [1, 2, 3].map((n) => pool.run(n));
    await clock.advance(100); // [1, 2] full, [3] by its timer: both queued
    expect(batches).toEqual([]);
    expect(pool.queueSize).toBe(2);
    pool.resume();
    expect(await Promise.all(results)).toEqual([2, 4, 6]);
    expect(batches).toEqual([[1, 2], [3]]);
    await pool.close();
  });
});
