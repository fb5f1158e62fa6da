/** `queue: { capacity: 0 }`: no queue — a task starts on a free worker at once or is refused (or waits, under 'wait'). */
import { describe, expect, it } from 'vitest';
import { from, lastValueFrom, toArray } from 'rxjs';
import { isErr, isOk, through, type TaskResult } from '@troupe/core';
import { expectConserved } from './support/conservation.js';
import { timedPool } from './support/timed-worker.js';

const reason = (r: TaskResult<unknown>): string | undefined =>
  isErr(r) && r.left._tag === 'TaskRejected' ? r.left.reason : undefined;

describe('queue capacity 0', () => {
  it("with 'reject', starts tasks on free workers and refuses the rest with queue-full", async () => {
    const { pool, clock } = timedPool({ size: 2, queue: { capacity: 0 } });
    pool.start();
    await clock.flush();
    expect(pool.capacity).toBe(0);
    const a = pool.submit(10);
    const b = pool.submit(10);
    const c = await pool.submit(10);
    expect(reason(c)).toBe('queue-full');
    expect(pool.queueSize).toBe(0);
    await clock.advance(10);
    expect(isOk(await a) && isOk(await b)).toBe(true);
    expect(isOk(await settleAfter(pool.submit(1), clock))).toBe(true); // a worker is free again
    const m = pool.getSnapshot().metrics;
    expect([m.completed, m.rejected, m.queued]).toEqual([3, 1, 0]);
    expectConserved(m);
    await pool.close();
  });

  it("with 'drop-oldest', refuses as 'reject' does (there is nothing queued to drop)", async () => {
    const { pool, clock } = timedPool({ size: 1, queue: { capacity: 0, overflow: 'drop-oldest' } });
    pool.start();
    await clock.flush();
    const a = pool.submit(10);
    expect(reason(await pool.submit(10))).toBe('queue-full');
    await clock.advance(10);
    expect(isOk(await a)).toBe(true);
    const m = pool.getSnapshot().metrics;
    expect([m.rejected, m.dropped]).toEqual([1, 0]);
    expectConserved(m);
    await pool.close();
  });

  it("with 'wait', a submit waits for a free worker, in order", async () => {
    const { pool, clock, started } = timedPool({
      size: 1,
      queue: { capacity: 0, overflow: 'wait' },
    });
    pool.start();
    await clock.flush();
    const all = [10, 20, 30].map((ms) => pool.submit(ms));
    expect([pool.pending, pool.queueSize, pool.getSnapshot().metrics.waiting]).toEqual([1, 2, 2]);
    await clock.advance(60);
    expect((await Promise.all(all)).every(isOk)).toBe(true);
    expect(started).toEqual([10, 20, 30]);
    expectConserved(pool.getSnapshot().metrics);
    await pool.close();
  });

  it('with a rate limit, refuses when the limit holds the free worker', async () => {
    const { pool, clock } = timedPool({
      size: 2,
      queue: { capacity: 0 },
      rate: { limit: 1, intervalMs: 100 },
    });
    pool.start();
    await clock.flush();
    const a = pool.submit(1);
    expect(reason(await pool.submit(1))).toBe('queue-full');
    await clock.advance(100);
    expect(isOk(await settleAfter(pool.submit(1), clock))).toBe(true);
    expect(isOk(await a)).toBe(true);
    expectConserved(pool.getSnapshot().metrics);
    await pool.close();
  });

  it('through() keeps a pool of capacity 0 busy without a refusal', async () => {
    const { pool, clock } = timedPool({ size: 2, queue: { capacity: 0 } });
    pool.start();
    await clock.flush();
    const out = lastValueFrom(
      from([5, 1, 3, 2, 4, 1]).pipe(through(pool, { ordered: true }), toArray()),
    );
    await clock.advance(100);
    expect((await out).map((r) => (isOk(r) ? r.right : r.left._tag))).toEqual([5, 1, 3, 2, 4, 1]);
    const m = pool.getSnapshot().metrics;
    expect([m.completed, m.rejected]).toEqual([6, 0]);
    await pool.close();
  });

  it('a paused pool of capacity 0 refuses every submit', async () => {
    const { pool, clock } = timedPool({ queue: { capacity: 0 } });
    pool.start().pause();
    await clock.flush();
    expect(reason(await pool.submit(1))).toBe('queue-full');
    await pool.close();
  });
});

async function settleAfter<T>(
  promise: Promise<T>,
  clock: { advance(ms: number): Promise<unknown> },
): Promise<T> {
  await clock.advance(10);
  return promise;
}
