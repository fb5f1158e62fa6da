/**
 * What `results$` and `deadLetters$` tell about a task: the pool's number for it, and the
 * caller's own `id` when the submit gave one (the number is one no caller ever sees).
 */
import { describe, expect, it } from 'vitest';
import {
  createPool,
  createVirtualClock,
  WorkerCrashedError,
  type DeadLetter,
  type TaskOutcome,
} from '@troupe/core';

describe('results$', () => {
  it("carries the caller's id beside the task number, and no id when none was given", async () => {
    const pool = createPool({
      worker: async (n: number) => {
        if (n < 0) throw new Error('negative');
        return n * 2;
      },
      size: 2,
    }).start();
    const outcomes: TaskOutcome<number>[] = [];
    pool.results$.subscribe((outcome) => outcomes.push(outcome));
    await Promise.all([
      pool.submit(1, { id: 'job-1' }),
      pool.submit(2),
      pool.submit(-1, { id: 'job-bad' }),
      pool.run(3, { id: 'job-3', priority: 0 }),
      pool.submit(4, { id: 'job-4', timeoutMs: 1_000 }),
    ]);
    const byId = new Map(outcomes.map((o) => [o.id, o]));
    expect(outcomes).toHaveLength(5);
    expect(byId.get('job-1')?.result).toEqual({ _tag: 'Right', right: 2 });
    expect(byId.get('job-3')?.result).toEqual({ _tag: 'Right', right: 6 });
    expect(byId.get('job-4')?.result).toEqual({ _tag: 'Right', right: 8 });
    expect(byId.get('job-bad')?.result._tag).toBe('Left');
    expect(outcomes.filter((o) => o.id === undefined)).toHaveLength(1);
    expect(new Set(outcomes.map((o) => o.taskId)).size).toBe(5);
    await pool.close();
  });
});

describe('deadLetters$', () => {
  it("carries the caller's id of a quarantined task", async () => {
    const clock = createVirtualClock();
    const pool = createPool({
      worker: (input: string) => {
        if (input === 'poison') throw new WorkerCrashedError('breaks its worker');
        return input;
      },
      size: 1,
      clock,
      quarantineAfter: 1,
    }).start();
    const letters: DeadLetter<string>[] = [];
    pool.deadLetters$.subscribe((letter) => letters.push(letter));
    await clock.advance(0);
    const result = await pool.submit('poison', { id: 'order-42' });
    expect(result._tag).toBe('Left');
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ id: 'order-42', input: 'poison', attempts: 1 });
    await pool.close({ abort: true });
  });
});
