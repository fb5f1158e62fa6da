/**
 * A run settles its task once. A worker may return any thenable; one that calls back twice (or
 * answers after its task timed out or was cancelled) never settles another task — not even the
 * next one on the same worker. The extra answer is dropped, counted `late`, and told on
 * `events$` as `task.stray-answer`.
 */
import { describe, expect, it } from 'vitest';
import { createPool, createVirtualClock, isOk, type PoolEvent } from '@troupe/core';
import { settled, tagOf } from './support/observe.js';

type Job = { kind: 'twice' | 'slow' | 'late'; ms: number };

function setup(timeoutMs?: number) {
  const clock = createVirtualClock();
  const after = <T>(ms: number, value: T): Promise<T> =>
    new Promise((resolve) => clock.setTimeout(() => resolve(value), ms));
  const pool = createPool<Job, string>({
    worker: (job) => {
      if (job.kind === 'twice') {
        // Answers at once, and again `ms` later: the second must not reach the next task.
        return {
          then(onOk: (value: string) => void) {
            onOk('first');
            clock.setTimeout(() => onOk('stray'), job.ms);
          },
        } as PromiseLike<string> as Promise<string>;
      }
      return after(job.ms, `${job.kind} after ${job.ms}`);
    },
    size: 1,
    clock,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
  const events: PoolEvent[] = [];
  pool.events$.subscribe((event) => events.push(event));
  pool.start();
  const strays = () => events.filter((e) => e.type === 'task.stray-answer');
  return { clock, pool, strays };
}

describe('one settlement per run', () => {
  it("a thenable's second call-back never settles the next task on the worker", async () => {
    const { clock, pool, strays } = setup();
    await clock.flush();
    const first = pool.submit({ kind: 'twice', ms: 10 });
    const next = pool.submit({ kind: 'slow', ms: 50 });
    await clock.advance(10);
    expect(await settled(first)).toEqual({ _tag: 'Right', right: 'first' });
    // The stray 'stray' came while `next` was running on the same worker.
    await clock.advance(40);
    const result = await settled(next);
    expect(isOk(result) && result.right).toBe('slow after 50');
    expect(strays()).toEqual([
      expect.objectContaining({ type: 'task.stray-answer', workerId: 'pool-w1', taskId: 1 }),
    ]);
    expect(pool.getSnapshot().metrics).toMatchObject({ completed: 2, late: 1 });
    await pool.close();
  });

  it('a second call-back after the worker went idle settles nothing and is reported', async () => {
    const { clock, pool, strays } = setup();
    await clock.flush();
    expect(await pool.run({ kind: 'twice', ms: 5 })).toBe('first');
    await clock.advance(5);
    expect(strays()).toHaveLength(1);
    const next = pool.run({ kind: 'slow', ms: 1 });
    await clock.advance(1);
    expect(await settled(next)).toBe('slow after 1');
    await pool.close();
  });

  it('an answer after a timeout or a cancel is dropped and reported', async () => {
    const { clock, pool, strays } = setup(20);
    await clock.flush();
    const controller = new AbortController();
    const cancelled = pool.submit({ kind: 'late', ms: 10 }, { signal: controller.signal });
    await clock.flush();
    controller.abort('changed my mind');
    expect(tagOf(await settled(cancelled))).toBe('TaskCancelled');
    await clock.advance(10);
    expect(strays()).toEqual([expect.objectContaining({ workerId: 'pool-w1', taskId: 1 })]);

    const timedOut = pool.submit({ kind: 'late', ms: 30 });
    await clock.advance(20);
    expect(tagOf(await settled(timedOut))).toBe('TaskTimedOut');
    await clock.advance(10);
    expect(strays().map((e) => e.type === 'task.stray-answer' && e.taskId)).toEqual([1, 2]);
    expect(pool.getSnapshot().metrics.late).toBe(2);
    await pool.close();
  });
});
