/**
 * `one-for-all` and `rest-for-one` at the system level, as in OTP: a pool's failure restarts
 * the pools the strategy names, in declaration order — a failed one started again, a running
 * one's workers restarted in place (their setups run again, queued tasks kept).
 */
import { describe, expect, it } from 'vitest';
import { createSystem, createVirtualClock, type SupervisionStrategy } from '@troupe/core';
import { fragile, record, until } from './system-support.js';

const backoff = { minMs: 100, maxMs: 100, jitter: 0 };

async function failB(strategy: SupervisionStrategy) {
  const clock = createVirtualClock();
  const down = new Set<string>();
  const started: string[] = [];
  const system = createSystem({
    pools: {
      a: fragile('a', down, started),
      b: fragile('b', down, started),
      c: fragile('c', down, started),
    },
    supervision: { strategy, maxRestarts: 3, backoff },
    clock,
  });
  const running = system.start();
  await until(clock, () => system.getSnapshot().state === 'running');
  await running;
  const events = record(system.events$);
  started.length = 0;
  void system.pool('b').submit(-1);
  await until(clock, () => events.includes('b:failed'));
  await until(
    clock,
    () => events.includes('restarted b') && system.getSnapshot().pools.b === 'running',
  );
  await clock.advance(100);
  const restarts = events.filter((e) => e.startsWith('restarted'));
  const result = { restarts, started: [...started], events };
  await system.close();
  return result;
}

describe('createSystem: supervision strategies', () => {
  it('one-for-one restarts only the pool that failed', async () => {
    const { restarts, started } = await failB('one-for-one');
    expect(restarts).toEqual(['restarted b']);
    expect(started).toEqual(['b']);
  });

  it('rest-for-one restarts the failed pool and those declared after it, in order', async () => {
    const { restarts, started } = await failB('rest-for-one');
    expect(restarts).toEqual(['restarted b', 'restarted c (workers)']);
    expect(started.sort()).toEqual(['b', 'c']);
  });

  it('one-for-all restarts every pool, in declaration order', async () => {
    const { restarts, started } = await failB('one-for-all');
    expect(restarts).toEqual(['restarted a (workers)', 'restarted b', 'restarted c (workers)']);
    expect(started.sort()).toEqual(['a', 'b', 'c']);
  });
});

describe('a sibling restarted in place', () => {
  it('keeps its queued tasks for its new workers; the one running on a restarted worker ends WorkerCrashed', async () => {
    const clock = createVirtualClock();
    const down = new Set<string>();
    const setups: string[] = [];
    let release: (() => void) | undefined;
    const system = createSystem({
      pools: {
        b: fragile('b', down),
        c: {
          worker: {
            kind: 'async',
            setup: () => void setups.push('c'),
            run: (n: number) =>
              n === 0
                ? new Promise<number>((resolve) => (release = () => resolve(0)))
                : Promise.resolve(n),
          },
        },
      },
      supervision: { strategy: 'rest-for-one', backoff },
      clock,
    });
    const running = system.start();
    await until(clock, () => system.getSnapshot().state === 'running');
    await running;
    const events = record(system.events$);
    const stuck = system.pool('c').submit(0);
    const queued = [1, 2, 3].map((n) => system.pool('c').submit(n));
    await clock.flush();
    expect(system.pool('c').queueSize).toBe(3);
    void system.pool('b').submit(-1);
    await until(clock, () => events.includes('restarted c (workers)'));
    expect(await stuck).toMatchObject({ left: { _tag: 'WorkerCrashed' } });
    await until(clock, () => setups.length === 2);
    expect((await Promise.all(queued)).map((r) => r._tag === 'Right' && r.right)).toEqual([
      1, 2, 3,
    ]);
    release?.();
    expect(system.getSnapshot().pools).toEqual({ b: 'running', c: 'running' });
    await system.close();
  });
});
