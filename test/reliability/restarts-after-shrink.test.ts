/**
 * A shrink gives seats up for good: a seat given up while its worker was still in setup stays out
 * of the supervisor's start order when that worker finishes its setup, so a later one-for-all or
 * rest-for-one crash restarts only the seats the pool still has. On the virtual clock.
 */
import { expect, it } from 'vitest';
import {
  createPool,
  createVirtualClock,
  fromAsync,
  WorkerCrashedError,
  type PoolEvent,
} from '@troupe/core';

for (const strategy of ['rest-for-one', 'one-for-all'] as const) {
  it(`${strategy}: a crash after a shrink restarts only seats the pool still has`, async () => {
    const clock = createVirtualClock();
    // The first worker's setup ends last: were its seat to rejoin then, it would come after
    // pool-w2 in the start order, and a crash of pool-w2 would restart it under both strategies.
    let setups = 0;
    const pool = createPool({
      worker: fromAsync({
        setup: () => {
          const ms = ++setups === 1 ? 40 : 30;
          return new Promise<string>((resolve) => clock.setTimeout(() => resolve('db'), ms));
        },
        run: (job: 'ok' | 'crash') => {
          if (job === 'crash') throw new WorkerCrashedError('broken');
          return job;
        },
      }),
      size: 2,
      clock,
      supervision: { strategy, backoff: { minMs: 0, maxMs: 0 } },
    });
    const restarting: string[] = [];
    pool.events$.subscribe(
      (e: PoolEvent) => e.type === 'worker.restarting' && restarting.push(e.workerId),
    );
    pool.start();
    const resized = pool.resize(1); // both workers still in setup: pool-w1 is given up
    await clock.advance(40); // pool-w2 ready at 30, the retiring pool-w1 at 40
    await resized;
    expect(pool.getSnapshot().workers.map((w) => w.id)).toEqual(['pool-w2']);
    void pool.submit('crash');
    await clock.advance(10);
    expect(restarting).toEqual(['pool-w2']);
    const closed = pool.close(); // the restarted worker finishes its 30 ms setup, then stops
    await clock.advance(30);
    await closed;
  });
}
