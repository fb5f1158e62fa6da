/** `close({ cancelQueued: true })`: what has not started is cancelled, running tasks finish. */
import { describe, expect, it } from 'vitest';
import { InvalidOptionError, isErr, isOk, PoolClosedError } from '@troupe/core';
import { expectConserved } from './support/conservation.js';
import { timedPool } from './support/timed-worker.js';

describe('close({ cancelQueued: true })', () => {
  it('cancels queued tasks with a PoolClosedError cause, lets running ones finish, refuses new submits', async () => {
    const { pool, clock, started } = timedPool({ size: 2 });
    pool.start();
    await clock.flush();
    const running = [pool.submit(100), pool.submit(50)];
    const queued = [pool.submit(1), pool.submit(2), pool.submit(3)];
    let closed = false;
    const closing = pool.close({ cancelQueued: true }).then(() => (closed = true));
    for (const r of await Promise.all(queued)) {
      expect(isErr(r) && r.left._tag === 'TaskCancelled' && r.left.cause).toBeInstanceOf(
        PoolClosedError,
      );
    }
    const late = await pool.submit(4);
    expect(isErr(late) && late.left._tag === 'TaskRejected' && late.left.reason).toBe(
      'pool-closed',
    );
    await clock.advance(60);
    expect(closed).toBe(false); // the 100 ms task still runs
    await clock.advance(50);
    await closing;
    expect((await Promise.all(running)).every(isOk)).toBe(true);
    expect(started).toEqual([100, 50]);
    const m = pool.getSnapshot().metrics;
    expect([m.completed, m.cancelled]).toEqual([2, 3]);
    expectConserved(m);
  });

  it('applies to a close already under way, and to a paused pool (nothing queued starts)', async () => {
    const { pool, clock, started } = timedPool({ size: 1 });
    pool.start();
    await clock.flush();
    const running = pool.submit(100);
    const queued = [pool.submit(1), pool.submit(2)];
    const first = pool.close(); // draining
    const second = pool.close({ cancelQueued: true });
    expect(second).toBe(first);
    expect((await Promise.all(queued)).every(isErr)).toBe(true);
    await clock.advance(100);
    await first;
    expect(isOk(await running)).toBe(true);
    expect(started).toEqual([100]);

    const paused = timedPool({ size: 2 });
    paused.pool.start();
    await paused.clock.flush();
    paused.pool.pause();
    const held = paused.pool.submit(5);
    await paused.pool.close({ cancelQueued: true });
    expect(isErr(await held)).toBe(true);
    expect(paused.started).toEqual([]);
    expectConserved(paused.pool.getSnapshot().metrics);
  });

  it('is bounded by timeoutMs like any close', async () => {
    const { pool, clock } = timedPool({ size: 1 });
    pool.start();
    await clock.flush();
    const running = pool.submit(10_000);
    const closing = pool.close({ cancelQueued: true, timeoutMs: 100 });
    await clock.advance(100);
    await closing;
    const r = await running;
    expect(isErr(r) && r.left._tag).toBe('TaskCancelled');
  });

  it('refuses a cancelQueued that is not a boolean', () => {
    const { pool } = timedPool();
    expect(() => pool.close({ cancelQueued: 'yes' as unknown as boolean })).toThrow(
      InvalidOptionError,
    );
  });
});
