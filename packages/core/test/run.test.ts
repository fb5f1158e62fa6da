/**
 * `pool.run`: the output, or a rejection with the TaskError — the same outcomes as `submit`,
 * counted the same, with the task's own promise (no Either to unwrap).
 */
import { describe, expect, it } from 'vitest';
import {
  createPool,
  createVirtualClock,
  TaskCancelled,
  TaskFailed,
  TaskRejected,
  TaskTimedOut,
  type TaskOutcome,
} from '@troupe/core';
import { expectConserved } from './support/conservation.js';

describe('run', () => {
  it('resolves with the output and rejects with each kind of TaskError; results$ still carries Eithers', async () => {
    const clock = createVirtualClock();
    const pool = createPool({
      clock,
      size: 1,
      queue: { capacity: 1 },
      worker: (n: number) => {
        if (n < 0) throw new Error(`bad ${n}`);
        return n === 0 ? new Promise<number>(() => undefined) : n * 2;
      },
    });
    // Before start: refused at the door.
    await expect(pool.run(1)).rejects.toMatchObject({
      _tag: 'TaskRejected',
      reason: 'pool-closed',
    });
    pool.start();
    await clock.flush();
    const outcomes: TaskOutcome<number>[] = [];
    pool.results$.subscribe((o) => outcomes.push(o));
    await expect(pool.run(21)).resolves.toBe(42);
    await expect(pool.run(-1)).rejects.toBeInstanceOf(TaskFailed);
    await expect(pool.run(2, { priority: 1.5 })).rejects.toMatchObject({
      _tag: 'TaskRejected',
      reason: 'invalid-input',
    });
    const hung = expect(pool.run(0, { timeoutMs: 10 })).rejects.toBeInstanceOf(TaskTimedOut);
    const queued = pool.run(3); // the queue's one place
    await expect(pool.run(4)).rejects.toMatchObject({ reason: 'queue-full' });
    await clock.advance(10);
    await hung;
    await clock.advance(20);
    await expect(queued).resolves.toBe(6);
    const controller = new AbortController();
    const cancelled = expect(pool.run(0, { signal: controller.signal })).rejects.toBeInstanceOf(
      TaskCancelled,
    );
    controller.abort('stop');
    await cancelled;
    expect(outcomes.map((o) => o.result._tag)).toEqual(['Right', 'Left', 'Left', 'Right', 'Left']);
    const { metrics } = pool.getSnapshot();
    expect(metrics).toMatchObject({
      completed: 2,
      failed: 1,
      timedOut: 1,
      cancelled: 1,
      rejected: 3,
    });
    expectConserved(metrics);
    await pool.close({ abort: true });
    await expect(pool.run(5)).rejects.toBeInstanceOf(TaskRejected);
  });
});
