/**
 * A worker that crashes with an `UnrecoverableError` (its setup rejects with one) fails the
 * pool at once: no restart, the error as the failure's cause. Other setup failures still
 * restart within the limits. On the virtual clock.
 */
import { describe, expect, it } from 'vitest';
import {
  createPool,
  createVirtualClock,
  fromAsync,
  isErr,
  PoolFailedError,
  UnrecoverableError,
  type PoolEvent,
  type PoolState,
} from '@troupe/core';
import { settleWith } from './support/virtual-time.js';

const supervision = { maxRestarts: 3, backoff: { minMs: 10, maxMs: 10, jitter: 0 } };

describe('a setup that fails with an UnrecoverableError', () => {
  it('fails the pool at once, with the error as the cause, and starts no other worker', async () => {
    const clock = createVirtualClock();
    const fatal = new UnrecoverableError('cannot load ./task.mjs: not found');
    let setups = 0;
    const pool = createPool({
      worker: fromAsync({
        setup: () => {
          setups++;
          return Promise.reject(fatal);
        },
        run: async (n: number) => n,
      }),
      size: 2,
      clock,
      supervision,
    });
    const events: PoolEvent[] = [];
    const states: PoolState[] = [];
    pool.events$.subscribe((event) => events.push(event));
    pool.state$.subscribe((state) => states.push(state));
    pool.start();
    const result = await settleWith(clock, pool.submit(1));

    expect(isErr(result) && result.left).toMatchObject({ reason: 'pool-failed' });
    expect(states).toEqual(['stopped', 'starting', 'failed']);
    const failure = pool.getSnapshot().failure;
    expect(failure).toBeInstanceOf(PoolFailedError);
    expect(failure?.cause).toBe(fatal);
    expect(failure?.restarts).toBe(0);
    expect(failure?.message).toMatch(/a restart cannot help: .*cannot load \.\/task\.mjs/);
    expect(events.filter((e) => e.type === 'worker.restarting')).toHaveLength(0);
    expect(setups).toBe(2); // both seats tried once, none again
    expect(pool.getSnapshot().metrics.crashes).toBeLessThanOrEqual(2);
    await settleWith(clock, pool.close());
  });

  it('any other setup failure still restarts within the limits', async () => {
    const clock = createVirtualClock();
    let setups = 0;
    const pool = createPool({
      worker: fromAsync({
        setup: () => {
          setups++;
          return Promise.reject(new Error('not yet'));
        },
        run: async (n: number) => n,
      }),
      clock,
      supervision,
    }).start();
    await settleWith(clock, pool.submit(1));
    expect(pool.getSnapshot().state).toBe('failed');
    expect(setups).toBe(4);
    expect(pool.getSnapshot().failure?.restarts).toBe(4);
  });
});
