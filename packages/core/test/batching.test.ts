/**
 * Batch pools: items gather into batches dispatched when full, when the oldest item has waited
 * maxWaitMs, or on close; each item gets its own result.
 */
import { describe, expect, it } from 'vitest';
import { left, right } from 'fp-ts/lib/Either.js';
import {
  BatchResultError,
  createPool,
  createVirtualClock,
  isErr,
  isOk,
  type TaskResult,
} from '@troupe/core';

const valueOf = (r: TaskResult<unknown>): unknown => (isOk(r) ? r.right : r.left._tag);

describe('batch pools', () => {
  it('dispatches a full batch at once and a partial one after maxWaitMs; each item gets its own result', async () => {
    const clock = createVirtualClock();
    const batches: number[][] = [];
    const pool = createPool({
      clock,
      batch: { size: 3, maxWaitMs: 50 },
      worker: (inputs: number[]) => {
        batches.push(inputs);
        return inputs.map((n) => n * 10);
      },
    }).start();
    await clock.flush();
    const results = [1, 2, 3, 4].map((n) => pool.submit(n));
    await clock.flush();
    expect(batches).toEqual([[1, 2, 3]]);
    await clock.advance(49);
    expect(batches).toHaveLength(1);
    await clock.advance(1);
    expect(batches).toEqual([[1, 2, 3], [4]]);
    expect((await Promise.all(results)).map(valueOf)).toEqual([10, 20, 30, 40]);
    const m = pool.getSnapshot().metrics.batch!;
    expect(m.flushes).toEqual({ full: 1, timer: 1, close: 0 });
    expect(m.batches).toBe(2);
    expect(m.size.max).toBe(3);
    expect(m.completed).toBe(4);
    await pool.close();
  });

  it('a failed batch fails each item once; a wrong-length array is a clear error; per-item Eithers', async () => {
    const clock = createVirtualClock();
    const pool = createPool({
      clock,
      batch: { size: 2, maxWaitMs: 10 },
      worker: (inputs: number[]) => {
        if (inputs[0] === 0) throw new Error('bad batch');
        if (inputs[0] === 1) return [1];
        return inputs.map((n) => (n % 2 === 0 ? right(n) : left(new Error(`odd ${n}`))));
      },
    }).start();
    await clock.flush();
    const a = [0, 9].map((n) => pool.submit(n));
    const b = [1, 9].map((n) => pool.submit(n));
    const c = [2, 3].map((n) => pool.submit(n));
    await clock.advance(10);
    const [ra, rb, rc] = await Promise.all([Promise.all(a), Promise.all(b), Promise.all(c)]);
    expect(ra.map(valueOf)).toEqual(['TaskFailed', 'TaskFailed']);
    expect(rb.every((r) => isErr(r) && r.left.cause instanceof BatchResultError)).toBe(true);
    expect(isErr(rb[0]!) && String(rb[0].left.cause)).toMatch(
      /returned 1 results for a batch of 2/,
    );
    expect(rc.map(valueOf)).toEqual([2, 'TaskFailed']);
    await pool.close();
  });

  it('close() flushes the partial batch instead of dropping it', async () => {
    const clock = createVirtualClock();
    const pool = createPool({
      clock,
      batch: { size: 10, maxWaitMs: 60_000 },
      worker: (inputs: number[]) => inputs,
    }).start();
    await clock.flush();
    const results = [1, 2].map((n) => pool.submit(n));
    await pool.close();
    expect((await Promise.all(results)).map(valueOf)).toEqual([1, 2]);
    expect(pool.getSnapshot().metrics.batch!.flushes.close).toBe(1);
    expect(clock.pending()).toBe(0);
  });
});
