/**
 * Worker logic's `forwardsTaskErrors`: an executor that runs tasks elsewhere rejects a run with
 * the `TaskError` the task ended with there, and the pool settles it by that tag (counted and
 * retried as its own would be); without the flag the same rejection is a `TaskFailed` with it as
 * cause, as for any task code. And `ctx.priority`: the level the task runs at.
 */
import { describe, expect, it } from 'vitest';
import {
  createPool,
  TaskCancelled,
  TaskFailed,
  TaskTimedOut,
  WorkerCrashed,
  type TaskError,
  type WorkerLogic,
} from '@troupe/core';

/** Remote outcomes by input: what the "other side" ended each task with. */
function remote(forwards: boolean): WorkerLogic<string, string> {
  return {
    kind: 'remote-test',
    forwardsTaskErrors: forwards,
    run: (input, ctx) => {
      const errors: Record<string, () => TaskError> = {
        failed: () => new TaskFailed(new Error('boom there'), ctx.taskId),
        timed: () => new TaskTimedOut(50, ctx.taskId),
        cancelled: () => new TaskCancelled('stopped there', ctx.taskId),
        crashed: () => new WorkerCrashed(new Error('consumer died'), 'host-1', ctx.taskId),
      };
      const make = errors[input];
      return make === undefined ? Promise.resolve(input) : Promise.reject(make());
    },
  };
}

describe('forwardsTaskErrors', () => {
  it('settles each forwarded TaskError by its own tag, and counts it so', async () => {
    const pool = createPool({ worker: remote(true), size: 2 }).start();
    const tags = await Promise.all(
      ['failed', 'timed', 'cancelled', 'crashed', 'fine'].map(async (input) => {
        const result = await pool.submit(input);
        return result._tag === 'Left' ? result.left._tag : result.right;
      }),
    );
    expect(tags).toEqual(['TaskFailed', 'TaskTimedOut', 'TaskCancelled', 'WorkerCrashed', 'fine']);
    const failed = await pool.submit('failed');
    expect(failed._tag === 'Left' && (failed.left.cause as Error).message).toBe('boom there');
    const m = pool.getSnapshot().metrics;
    expect([m.failed, m.timedOut, m.cancelled, m.crashed, m.completed]).toEqual([2, 1, 1, 1, 1]);
    // The producer's own worker did not crash: the crash happened elsewhere.
    expect(m.crashes).toBe(0);
    await pool.close();
  });

  it('retries a forwarded failure as the retry policy says', async () => {
    let runs = 0;
    const pool = createPool({
      worker: {
        kind: 'remote-test',
        forwardsTaskErrors: true,
        run: (_: string, ctx) =>
          ++runs < 3
            ? Promise.reject(new WorkerCrashed(new Error('gone'), 'host', ctx.taskId))
            : Promise.resolve(`ok after ${ctx.attempt}`),
      },
      size: 1,
      retry: { attempts: 3, backoff: { minMs: 1, maxMs: 1 } },
    }).start();
    const result = await pool.submit('x');
    expect(result).toEqual({ _tag: 'Right', right: 'ok after 3' });
    await pool.close();
  });

  it('without the flag, a TaskError a run rejects with is the cause of a TaskFailed', async () => {
    const pool = createPool({ worker: remote(false), size: 1 }).start();
    const result = await pool.submit('timed');
    expect(result._tag).toBe('Left');
    if (result._tag === 'Left') {
      expect(result.left._tag).toBe('TaskFailed');
      expect(result.left.cause).toBeInstanceOf(TaskTimedOut);
    }
    await pool.close();
  });
});

describe('ctx.priority', () => {
  it('is the level the task runs at, 0 in a FIFO pool', async () => {
    const seen: number[] = [];
    const pool = createPool({
      worker: (_: string, ctx) => {
        seen.push(ctx.priority);
        return 'ok';
      },
      size: 1,
      queue: { kind: 'priority', levels: 3 },
    }).start();
    await Promise.all([
      pool.submit('a', { priority: 2 }),
      pool.submit('b'),
      pool.submit('c', { priority: 1 }),
    ]);
    await pool.close();
    expect(seen.sort()).toEqual([0, 1, 2]);
    const fifo = createPool({ worker: (_: string, ctx) => ctx.priority, size: 1 }).start();
    expect(await fifo.run('x')).toBe(0);
    await fifo.close();
  });
});
