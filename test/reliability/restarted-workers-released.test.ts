/**
 * A pool keeps only its live workers: a worker actor that reached `stopped` (after a crash, a
 * hang, a sibling restart or a close) is stopped and forgotten, so restarts leave nothing behind.
 * Seen from outside through the `inspect` option, which is handed every actor the pool creates:
 * every worker actor but the live ones completes. Workers are actors of the pool's system, not
 * entries of its snapshot's `children` (only the supervisor is).
 */
import { expect, it } from 'vitest';
import { createPool, createVirtualClock, WorkerCrashedError, type PoolOptions } from '@troupe/core';

/** What the test needs of an actor XState hands to `inspect`. */
interface WorkerActor {
  readonly id: string;
  subscribe(observer: { complete: () => void; error: () => void }): unknown;
}

type Inspect = Extract<PoolOptions<number, number>['inspect'], (event: never) => void>;

/** Counts the worker actors of pool `name` (ids `<name>-w<n>`) created, and those since stopped. */
function watchWorkers(name: string): {
  inspect: Inspect;
  created: () => number;
  live: () => number;
} {
  let created = 0;
  let stopped = 0;
  const inspect: Inspect = (event) => {
    if (event.type !== '@xstate.actor') return;
    // An inspection event types its actor loosely; what XState hands over is the actor itself.
    const actor = event.actorRef as unknown as WorkerActor;
    if (!actor.id.startsWith(`${name}-w`)) return;
    created++;
    actor.subscribe({ complete: () => stopped++, error: () => stopped++ });
  };
  return { inspect, created: () => created, live: () => created - stopped };
}

it('a pool that replaced 500 crashed workers keeps only its live workers, and only its supervisor as a child', async () => {
  const clock = createVirtualClock();
  const workers = watchWorkers('crashy');
  const pool = createPool({
    name: 'crashy',
    worker: (id: number) => {
      if (id % 2 === 0) throw new WorkerCrashedError('broken');
      return id;
    },
    size: 2,
    clock,
    supervision: { maxRestarts: Infinity, backoff: { minMs: 0, maxMs: 0, factor: 1, jitter: 0 } },
    inspect: workers.inspect,
  }).start();
  await clock.flush();
  for (let i = 1; i <= 1_000; i++) {
    void pool.submit(i);
    await clock.advance(0); // a restart without backoff waits for the clock's next tick
  }
  expect(pool.getSnapshot().metrics.restarts).toBe(500);
  expect(pool.getSnapshot().workers).toHaveLength(2);
  expect([workers.created(), workers.live()]).toEqual([502, 2]);
  expect(Object.keys(pool.actor.getSnapshot().children)).toEqual(['supervisor']);
});

it('close() leaves no worker actor behind', async () => {
  const workers = watchWorkers('pool');
  const pool = createPool({ worker: async (n: number) => n, size: 4, inspect: workers.inspect });
  pool.start();
  await pool.run(1);
  await pool.close();
  expect([workers.created(), workers.live()]).toEqual([4, 0]);
  expect(pool.getSnapshot().workers).toEqual([]);
});
