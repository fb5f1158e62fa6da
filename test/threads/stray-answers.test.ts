/**
 * An answer that belongs to no run in flight — a thread that answers a run twice — never
 * settles another task: it is dropped, and told as `task.stray-answer` on `events$`.
 * Real threads (the answer is posted twice by a hostile worker module); each wait is for an
 * event, never a sleep.
 */
import { describe, expect, it } from 'vitest';
import { createPool, type PoolEvent } from '@troupe/core';
import { fromWorkerThread } from '@troupe/threads';
import { expectNoThreadLeftAfterAll, fixture, nextEvent } from './support/threads.js';

expectNoThreadLeftAfterAll();

describe('an answer that comes twice', () => {
  it.each([1, 4])(
    'settles only its own task, and is reported (concurrency %i)',
    async (concurrency) => {
      const pool = createPool({
        worker: fromWorkerThread<string, string>(fixture('answers-twice.mjs'), { concurrency }),
        size: 1,
      }).start();
      try {
        const stray = nextEvent(pool, 'task.stray-answer');
        // The next tasks wait in the queue and take the answered run's place in the thread at
        // once, before the second answer is read.
        const inputs = ['twice', 'b', 'c', 'd', 'e', 'f', 'g'];
        const outputs = await Promise.all(inputs.map((input) => pool.run(input)));
        expect(outputs).toEqual(inputs);
        const event: Extract<PoolEvent, { type: 'task.stray-answer' }> = await stray;
        expect(event.workerId).toBe(pool.getSnapshot().workers[0]!.id);
        expect(event.taskId).toBe(1);
        expect(event.detail).toContain('answered task 1 again');
      } finally {
        await pool.close();
      }
    },
  );
});
