/**
 * A bad transfer list fails only its own task, with `TaskRejected` (`invalid-input`), and leaves
 * nothing behind: the pool is idle afterwards, so a script that never closes it still ends.
 *
 * The check that nothing is left runs in a child process, since what is tested is whether a
 * process ends. Real time, bounded: the script must end by itself within 20 s or it is killed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createPool, TaskRejected } from '@troupe/core';
import { fromWorkerThread, transfer } from '@troupe/threads';
import { expectNoThreadLeftAfterAll, fixture } from './support/threads.js';
import { runScript } from './support/run-script.js';

expectNoThreadLeftAfterAll();

describe('a bad transfer list', () => {
  const pool = createPool({
    worker: fromWorkerThread<unknown, unknown>(fixture('tasks.mjs'), { concurrency: 4 }),
  }).start();
  afterAll(() => pool.close());

  it.each([
    ['not an array', () => transfer('x', 5 as never), 'its transfer list is number, not an array'],
    ['missing', () => transfer('x', undefined as never), 'its transfer list is undefined'],
    ['holding a plain object', () => transfer('x', [{} as never]), 'a transfer list an array'],
  ])('%s: the task is rejected as invalid input, naming the list', async (_, input, says) => {
    const error = await pool.run(input()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskRejected);
    expect((error as TaskRejected).reason).toBe('invalid-input');
    expect((error as TaskRejected).message).toContain(says);
    // The thread still serves the next task.
    expect(await pool.run('next')).toBe('next');
  });

  it.each(['1', '4'])(
    'leaves the pool idle: a script that never closes it ends by itself (concurrency %s)',
    async (concurrency) => {
      const run = await runScript(
        new URL('./scripts/bad-transfer.mjs', import.meta.url),
        [concurrency],
        20_000,
      );
      expect(run.stderr).toBe('');
      expect(run.killed).toBe(false);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('not a list: TaskRejected');
      expect(run.stdout).toContain('a plain object in it: TaskRejected');
      expect(run.stdout).toContain('fine: ok:y');
    },
  );
});
