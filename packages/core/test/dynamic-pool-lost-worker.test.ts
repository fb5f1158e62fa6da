/**
 * A dynamic pool that may be empty (`min: 0`) whose only worker is lost for good (a crash under
 * `restart: 'temporary'`): while running, work still queued gets a new worker on demand; while
 * draining on close (when a pool grows no more) what still waits fails with the reason, and close
 * ends. Nothing is stranded. (Found by the testkit's `checkPool` over `arbPoolOptions()`, seed 4.)
 */
import { describe, expect, it } from 'vitest';
import { createPool, createVirtualClock, WorkerCrashedError } from '@troupe/core';

function lossyPool() {
  const clock = createVirtualClock();
  const pool = createPool({
    size: { min: 0, max: 1 },
    supervision: { restart: 'temporary' },
    clock,
    worker: async (x: string) => {
      if (x === 'crash') throw new WorkerCrashedError('boom');
      return x;
    },
  }).start();
  return { clock, pool };
}

describe('a dynamic pool that loses its only worker for good', () => {
  it('while running: the task queued behind the crash gets a new worker', async () => {
    const { clock, pool } = lossyPool();
    const crashed = pool.submit('crash');
    const queued = pool.submit('ok');
    await clock.advance(1_000);
    expect(await crashed).toMatchObject({ _tag: 'Left', left: { _tag: 'WorkerCrashed' } });
    expect(await queued).toEqual({ _tag: 'Right', right: 'ok' });
    const closed = pool.close();
    await clock.advance(1_000);
    await closed;
    expect(pool.getSnapshot().state).toBe('stopped');
  });

  it('while draining on close: the queued task fails with the reason, and close ends', async () => {
    const { clock, pool } = lossyPool();
    await clock.advance(100);
    const crashed = pool.submit('crash');
    const queued = pool.submit('ok');
    const closed = pool.close();
    await clock.advance(5_000);
    expect(await crashed).toMatchObject({ _tag: 'Left', left: { _tag: 'WorkerCrashed' } });
    expect(await queued).toMatchObject({
      _tag: 'Left',
      left: { _tag: 'TaskRejected', reason: 'pool-failed' },
    });
    await closed;
    expect(pool.getSnapshot().state).toBe('stopped');
  });
});
