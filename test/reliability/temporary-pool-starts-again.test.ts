/**
 * A `temporary` pool that lost its last worker fails ("no workers left"); `start()` after that
 * begins a new life at the size last asked for: its workers start, its tasks run and a drain
 * close ends. On the virtual clock.
 */
import { expect, it } from 'vitest';
import { createPool, createVirtualClock, fromAsync, type TaskResult } from '@troupe/core';

it('start() after a temporary pool lost its last worker starts it at its size again: its task runs, close ends', async () => {
  const clock = createVirtualClock();
  let crash: ((cause: unknown) => void) | undefined;
  const pool = createPool({
    worker: fromAsync({
      setup: (ctx) => {
        crash = ctx.crash;
        return 'db';
      },
      run: async (n: number) => n,
    }),
    size: 1,
    clock,
    supervision: { restart: 'temporary' },
  }).start();
  await clock.flush();
  crash!(new Error('connection lost'));
  await clock.flush();
  expect(pool.getSnapshot().state).toBe('failed'); // no workers left

  pool.start();
  let result: TaskResult<number> | undefined;
  void pool.submit(1).then((r) => (result = r));
  await clock.advance(60_000);
  expect(pool.getSnapshot().size).toBe(1);
  expect(pool.getSnapshot().state).toBe('running');
  expect(result).toBeDefined();

  let closed = false;
  void pool.close().then(() => (closed = true));
  await clock.advance(60_000);
  expect(closed).toBe(true);
});
