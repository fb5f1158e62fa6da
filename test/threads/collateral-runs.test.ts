/**
 * Runs that share a thread with the run that ends it are not punished: a thread that dies, a
 * run past its time limit and a cancelled run take the thread down with every run on it, but
 * only the culprit is charged. The others — not started yet, or running beside it — run again
 * on the next thread as if they had never left the queue: same attempt, no quarantine strike.
 * When the thread dies in async code, with no run to blame, the runs it had started are charged.
 * Real threads; each wait is for an outcome, never a sleep.
 */
import { describe, expect, it } from 'vitest';
import {
  createPool,
  isErr,
  isOk,
  WorkerCrashed,
  type DeadLetter,
  type TaskResult,
} from '@troupe/core';
import { fromWorkerThread } from '@troupe/threads';
import { expectNoThreadLeftAfterAll, fixture } from './support/threads.js';

expectNoThreadLeftAfterAll();

type Job = [string, unknown];

/** One thread of `concurrency` lanes that runs any export of tasks.mjs or faults.mjs. */
function threadPool(
  concurrency: number,
  extra: { timeoutMs?: number; supervision?: { timeouts: 'crash-worker' } } = {},
) {
  const pool = createPool({
    worker: fromWorkerThread<Job, unknown>(fixture('dispatch.mjs'), { concurrency }),
    size: 1,
    retry: { attempts: 3, backoff: { minMs: 1, maxMs: 1, jitter: 0 } },
    quarantineAfter: 1,
    ...extra,
  }).start();
  const letters: DeadLetter<Job>[] = [];
  pool.deadLetters$.subscribe((letter) => letters.push(letter));
  return { pool, letters };
}

/** `describeCtx`'s answer: the attempt the run was. */
const attemptOf = (result: TaskResult<unknown> | undefined): number => {
  if (result === undefined || !isOk(result))
    throw new Error(
      `expected a value, got ${String(result && isErr(result) ? result.left._tag : result)}`,
    );
  return (result.right as { attempt: number }).attempt;
};

const quarantined = (result: TaskResult<unknown> | undefined): boolean =>
  result !== undefined &&
  isErr(result) &&
  result.left instanceof WorkerCrashed &&
  result.left.quarantined;

describe('runs that share a thread with the one that ends it', () => {
  it('process.exit: the runs not started yet run again, uncharged; only the culprit is quarantined', async () => {
    const { pool, letters } = threadPool(8);
    try {
      const jobs: Job[] = [
        ['exit', null],
        ...Array.from({ length: 7 }, (): Job => ['describeCtx', null]),
      ];
      const results = await Promise.all(jobs.map((job) => pool.submit(job)));
      expect(quarantined(results[0])).toBe(true);
      expect(results.slice(1).map(attemptOf)).toEqual([1, 1, 1, 1, 1, 1, 1]);
      expect(letters.map((letter) => letter.input[0])).toEqual(['exit']);
    } finally {
      await pool.close();
    }
  });

  it('process.exit beside async runs already started: they run again, uncharged', async () => {
    const { pool, letters } = threadPool(4);
    try {
      const started = [
        pool.submit(['later', { id: 'a', delayMs: 5_000 }]),
        pool.submit(['later', { id: 'b', delayMs: 5_000 }]),
      ];
      await expect.poll(() => pool.getSnapshot().metrics.active).toBe(2);
      const exit = await pool.submit(['exit', null]);
      expect(quarantined(exit)).toBe(true);
      // They are running again on the next thread: cancel-free, they would finish in 5 s.
      expect(letters.map((letter) => letter.input[0])).toEqual(['exit']);
      await expect.poll(() => pool.getSnapshot().metrics.active).toBe(2);
      expect(pool.getSnapshot().metrics).toMatchObject({ retries: 0, quarantined: 1 });
      await pool.close({ abort: true });
      await Promise.all(started);
    } finally {
      await pool.close();
    }
  });

  it('a timeout: the runs behind the hung one run again, uncharged; the hung one is retried', async () => {
    const { pool, letters } = threadPool(4, { timeoutMs: 300 });
    try {
      const spin = pool.submit(['spin', null]);
      const others = Array.from({ length: 3 }, () =>
        pool.submit(['describeCtx', null], { timeoutMs: 10_000 }),
      );
      const result = await spin;
      expect(isErr(result) && result.left).toMatchObject({ _tag: 'TaskTimedOut' });
      expect((await Promise.all(others)).map(attemptOf)).toEqual([1, 1, 1]);
      // A timeout is no quarantine strike by default: the thread is replaced, not crashed.
      expect(letters).toEqual([]);
      expect(pool.getSnapshot().metrics).toMatchObject({ hangs: 3, replaced: 3, crashes: 0 });
    } finally {
      await pool.close();
    }
  });

  it("a timeout that crashes the worker ('crash-worker'): the others run again, uncharged", async () => {
    const { pool, letters } = threadPool(4, {
      timeoutMs: 300,
      supervision: { timeouts: 'crash-worker' },
    });
    try {
      const spin = pool.submit(['spin', null]);
      const others = Array.from({ length: 3 }, () =>
        pool.submit(['describeCtx', null], { timeoutMs: 10_000 }),
      );
      expect(quarantined(await spin)).toBe(true);
      expect((await Promise.all(others)).map(attemptOf)).toEqual([1, 1, 1]);
      expect(letters.map((letter) => letter.input[0])).toEqual(['spin']);
      expect(pool.getSnapshot().metrics).toMatchObject({ hangs: 1, replaced: 0 });
    } finally {
      await pool.close();
    }
  });

  it('a cancellation: the runs beside the cancelled one run again, uncharged', async () => {
    const { pool, letters } = threadPool(4);
    try {
      const controller = new AbortController();
      const spin = pool.submit(['spin', null], { signal: controller.signal });
      const others = Array.from({ length: 3 }, () => pool.submit(['describeCtx', null]));
      await expect.poll(() => pool.getSnapshot().metrics.active).toBe(4);
      controller.abort(new Error('stop'));
      expect(isErr(await spin) && (await spin)).toMatchObject({ left: { _tag: 'TaskCancelled' } });
      expect((await Promise.all(others)).map(attemptOf)).toEqual([1, 1, 1]);
      expect(letters).toEqual([]);
      expect(pool.getSnapshot().metrics).toMatchObject({ retries: 0, replaced: 1 });
    } finally {
      await pool.close();
    }
  });

  it('a death in async code, with no run to blame: the runs it had started are charged', async () => {
    const pool = createPool({
      worker: fromWorkerThread<Job, unknown>(fixture('dispatch.mjs'), { concurrency: 8 }),
      size: 1,
    }).start();
    try {
      const suspects = [
        pool.submit(['later', { id: 'a', delayMs: 5_000 }]),
        pool.submit(['throwLater', null]),
      ];
      for (const result of await Promise.all(suspects)) {
        expect(isErr(result) && result.left).toBeInstanceOf(WorkerCrashed);
      }
    } finally {
      await pool.close();
    }
  });
});
