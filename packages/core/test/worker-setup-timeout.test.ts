/**
 * `supervision.setupTimeoutMs`: a worker whose setup does not finish in time is given up on as
 * crashed — its setup's signal aborts, it restarts within the limits, and a resource its setup
 * still returns later is torn down. On the virtual clock.
 */
import { describe, expect, it } from 'vitest';
import {
  createPool,
  createVirtualClock,
  fromAsync,
  InvalidOptionError,
  isErr,
  type PoolEvent,
} from '@troupe/core';
import { after, settleWith } from './support/virtual-time.js';

const quickRestarts = { backoff: { minMs: 10, maxMs: 10, jitter: 0 } };

describe('supervision.setupTimeoutMs', () => {
  it('fails a setup that never finishes: signal aborted, restarted within the limits, then the pool fails', async () => {
    const clock = createVirtualClock();
    const reasons: unknown[] = [];
    const pool = createPool({
      worker: fromAsync({
        setup: ({ signal }) => {
          signal.addEventListener('abort', () => reasons.push(signal.reason));
          return new Promise<never>(() => undefined);
        },
        run: async (n: number) => n,
      }),
      clock,
      supervision: { ...quickRestarts, setupTimeoutMs: 100, maxRestarts: 2 },
    }).start();
    const crashes: PoolEvent[] = [];
    pool.events$.subscribe((event) => event.type === 'worker.crashed' && crashes.push(event));

    const result = await settleWith(clock, pool.submit(1));
    expect(isErr(result) && result.left).toMatchObject({
      _tag: 'TaskRejected',
      reason: 'pool-failed',
    });
    expect(pool.getSnapshot().state).toBe('failed');
    // The first setup and two restarts, each given up on (it ignores its signal) at 200 ms.
    expect(reasons).toHaveLength(3);
    for (const reason of reasons) {
      expect(reason).toBeInstanceOf(Error);
      expect((reason as Error).message).toMatch(
        /did not finish within 100 ms \(supervision\.setupTimeoutMs\)/,
      );
    }
    expect(crashes).toHaveLength(3);
    expect(pool.getSnapshot().failure?.message).toMatch(/setupTimeoutMs/);
  });

  it('tears down a resource that arrives too late, and uses one that arrives in time', async () => {
    // The first setup ignores its signal and ends at 150 ms: the worker fails then (not at 200),
    // its resource torn down; the restarted worker's setup takes 20 ms.
    const clock = createVirtualClock();
    const made: string[] = [];
    const tornDown: [string, string][] = [];
    let attempt = 0;
    const pool = createPool({
      worker: fromAsync({
        // The first setup takes 150 ms (too long), the second 20 ms.
        setup: () => {
          const name = `resource-${++attempt}`;
          return after(clock, attempt === 1 ? 150 : 20, name).then((resource) => {
            made.push(resource);
            return resource;
          });
        },
        run: async (n: number, { resource }) => `${resource}:${n}`,
        teardown: async (resource, { reason }) => {
          tornDown.push([resource, reason]);
        },
      }),
      clock,
      supervision: { ...quickRestarts, setupTimeoutMs: 100 },
    }).start();

    const result = await settleWith(clock, pool.run(7));
    expect(result).toBe('resource-2:7');
    expect(made).toEqual(['resource-1', 'resource-2']);
    expect(tornDown).toEqual([['resource-1', 'crash']]);
    await settleWith(clock, pool.close());
    expect(tornDown).toEqual([
      ['resource-1', 'crash'],
      ['resource-2', 'stop'],
    ]);
  });

  it("reports the late resource's failed teardown as worker.teardown-failed", async () => {
    const clock = createVirtualClock();
    let attempt = 0;
    const pool = createPool({
      worker: fromAsync({
        setup: () => after(clock, ++attempt === 1 ? 150 : 0, attempt),
        run: async (n: number) => n,
        teardown: async (resource) => {
          if (resource === 1) throw new Error('cannot release resource 1');
        },
      }),
      clock,
      supervision: { ...quickRestarts, setupTimeoutMs: 100 },
    });
    const failures: PoolEvent[] = [];
    pool.events$.subscribe(
      (event) => event.type === 'worker.teardown-failed' && failures.push(event),
    );
    pool.start();
    await settleWith(clock, pool.run(1));
    expect(failures).toHaveLength(1);
    const failure = failures[0] as Extract<PoolEvent, { type: 'worker.teardown-failed' }>;
    expect((failure.error as Error).message).toBe('cannot release resource 1');
    await settleWith(clock, pool.close());
  });

  it('bounds a close that waits for a hung setup, and leaves no timer behind', async () => {
    const clock = createVirtualClock();
    const pool = createPool({
      worker: fromAsync({
        setup: () => new Promise<never>(() => undefined),
        run: async (n: number) => n,
      }),
      clock,
      supervision: { ...quickRestarts, setupTimeoutMs: 1_000 },
    }).start();
    const queued = pool.submit(1);
    await clock.advance(10);
    // A close waits for a starting worker's setup: 1 s, then 1 s more for it to react. (With
    // `abort`: a drain would restart the worker to run the queued task, within the limits.)
    await settleWith(clock, pool.close({ abort: true }));
    expect(pool.getSnapshot().state).toBe('stopped');
    expect(isErr(await queued)).toBe(true);
    expect(clock.pending()).toBe(0);
  });

  it('takes a number > 0 or Infinity; anything else throws naming the option', () => {
    const worker = async (n: number) => n;
    for (const bad of [0, -1, Number.NaN, '100']) {
      expect(() => createPool({ worker, supervision: { setupTimeoutMs: bad as number } })).toThrow(
        InvalidOptionError,
      );
      expect(() => createPool({ worker, supervision: { setupTimeoutMs: bad as number } })).toThrow(
        /supervision\.setupTimeoutMs/,
      );
    }
    expect(() => createPool({ worker, supervision: { setupTimeoutMs: Infinity } })).not.toThrow();
    expect(() => createPool({ worker, supervision: { setupTimeoutMs: 5 } })).not.toThrow();
  });
});
