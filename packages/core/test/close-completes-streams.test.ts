/**
 * `close()` is final for a pool handle: once it resolves every stream of the pool has completed,
 * no timer of the pool is left on its clock (so a script ends by itself), and `start()` throws.
 * All on the virtual clock, whose `pending()` counts the timers not yet fired.
 */
import { firstValueFrom, from, lastValueFrom, toArray, type Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  createPool,
  createVirtualClock,
  fromAsync,
  PoolStateError,
  through,
  WorkerCrashedError,
  type Pool,
  type PoolMetrics,
  type VirtualClock,
} from '@troupe/core';

/** How a subscription to `stream$` went: what it emitted and whether it completed. */
function watch<T>(stream$: Observable<T>): { values: T[]; completed: boolean } {
  const seen = { values: [] as T[], completed: false };
  stream$.subscribe({
    next: (value) => seen.values.push(value),
    complete: () => (seen.completed = true),
  });
  return seen;
}

/** Every stream of `pool`, watched. */
function watchAll(pool: Pool<number, number>) {
  return {
    state: watch(pool.state$),
    events: watch(pool.events$),
    results: watch(pool.results$),
    deadLetters: watch(pool.deadLetters$),
    metrics: watch(pool.metrics$),
  };
}

const completedOf = (all: ReturnType<typeof watchAll>) =>
  Object.fromEntries(Object.entries(all).map(([name, seen]) => [name, seen.completed]));

const everyStream = {
  state: true,
  events: true,
  results: true,
  deadLetters: true,
  metrics: true,
};

/** A one-task-at-a-time doubler taking `ms` of virtual time. */
const slowDouble = (clock: VirtualClock, ms: number) => (n: number) =>
  new Promise<number>((resolve) => clock.setTimeout(() => resolve(n * 2), ms));

describe('close() completes every stream', () => {
  it('completes state$ after stopped, events$, results$, deadLetters$ and metrics$ (with a final snapshot)', async () => {
    const clock = createVirtualClock();
    const pool = createPool({ worker: slowDouble(clock, 10), size: 2, clock }).start();
    const all = watchAll(pool);
    const results = [pool.run(1), pool.run(2)];
    await clock.advance(1_500);
    expect(await Promise.all(results)).toEqual([2, 4]);
    expect(Object.values(completedOf(all)).some(Boolean)).toBe(false);
    const ticks = all.metrics.values.length;
    await pool.close();
    expect(completedOf(all)).toEqual(everyStream);
    expect(all.state.values).toEqual(['starting', 'running', 'closing', 'stopped']);
    expect(all.results.values).toHaveLength(2);
    // The final snapshot: what the pool ended with.
    expect(all.metrics.values).toHaveLength(ticks + 1);
    expect(all.metrics.values.at(-1)!.completed).toBe(2);
    expect(all.events.values.at(-1)).toEqual({ type: 'pool.state', state: 'stopped' });
  });

  it('a subscriber after close gets the last state or snapshot, then completion at once', async () => {
    const pool = createPool({ worker: async (n: number) => n * 2 }).start();
    expect(await pool.run(21)).toBe(42);
    await pool.close();
    const late = watchAll(pool);
    expect(completedOf(late)).toEqual(everyStream);
    expect(late.state.values).toEqual(['stopped']);
    expect(late.metrics.values).toHaveLength(1);
    expect((late.metrics.values[0] as PoolMetrics).completed).toBe(1);
    expect([late.events.values, late.results.values, late.deadLetters.values]).toEqual([
      [{ type: 'pool.state', state: 'stopped' }],
      [],
      [],
    ]);
  });

  it('a pool closed without ever starting completes its streams too', async () => {
    const pool = createPool({ worker: async (n: number) => n });
    const all = watchAll(pool);
    await pool.close();
    expect(completedOf(all)).toEqual(everyStream);
    expect(() => pool.start()).toThrow(PoolStateError);
  });

  it("a batch pool's results$ completes after the items of the batch flushed at close", async () => {
    const clock = createVirtualClock();
    const pool = createPool({
      worker: async (items: number[]) => items.map((n) => n * 2),
      batch: { size: 10, maxWaitMs: 1_000 },
      clock,
    }).start();
    const results = watch(pool.results$);
    const items = [1, 2, 3].map((n) => pool.run(n));
    await pool.close();
    expect(await Promise.all(items)).toEqual([2, 4, 6]);
    expect(results.values).toHaveLength(3);
    expect(results.completed).toBe(true);
    expect(clock.pending()).toBe(0);
  });

  it('a failed pool keeps its streams open (it may start again) until it is closed', async () => {
    const clock = createVirtualClock();
    const pool = createPool({
      worker: fromAsync({
        setup: () => Promise.reject(new Error('no database')),
        run: async (n: number) => n,
      }),
      clock,
      supervision: { maxRestarts: 1, withinMs: 60_000, backoff: { minMs: 10, maxMs: 10 } },
    }).start();
    const all = watchAll(pool);
    await clock.advance(100);
    expect(pool.getSnapshot().state).toBe('failed');
    expect(Object.values(completedOf(all)).some(Boolean)).toBe(false);
    await pool.close();
    expect(completedOf(all)).toEqual(everyStream);
    expect(() => pool.start()).toThrow(PoolStateError);
  });
});

describe('close() leaves no timer of the pool', () => {
  it('clears metrics$ timers, the autoscaler, the open batch and the close deadline', async () => {
    const clock = createVirtualClock();
    const dynamic = createPool({
      worker: slowDouble(clock, 10),
      size: { min: 1, max: 4, target: { utilisation: 0.5 } },
      metrics: { intervalMs: 100 },
      clock,
    }).start();
    const batch = createPool({
      worker: async (items: number[]) => items,
      batch: { size: 10, maxWaitMs: 5_000 },
      clock,
    }).start();
    dynamic.metrics$.subscribe();
    dynamic.metrics$.subscribe();
    batch.metrics$.subscribe();
    const runs = [dynamic.run(1), dynamic.run(2)];
    void batch.run(1);
    await clock.advance(50);
    expect(clock.pending()).toBeGreaterThan(0);
    const closed = Promise.all([dynamic.close({ timeoutMs: 60_000 }), batch.close()]);
    await clock.advance(20);
    await closed;
    expect(await Promise.all(runs)).toEqual([2, 4]);
    expect(clock.pending()).toBe(0);
  });

  it('cancels a restart still waiting out its backoff', async () => {
    const clock = createVirtualClock();
    let crashes = 0;
    const pool = createPool({
      worker: async (n: number) => {
        if (n < 0) {
          crashes++;
          throw new WorkerCrashedError('broken');
        }
        return n;
      },
      size: 2,
      clock,
      supervision: { backoff: { minMs: 60_000, maxMs: 60_000, jitter: 0 } },
    }).start();
    await clock.flush();
    void pool.submit(-1);
    await clock.flush();
    expect(crashes).toBe(1);
    // The crashed seat waits a minute for its restart; the pool closes meanwhile.
    expect(clock.pending()).toBe(1);
    await pool.close();
    expect(clock.pending()).toBe(0);
    expect(pool.getSnapshot().state).toBe('stopped');
  });
});

describe('start() after close()', () => {
  it('throws PoolStateError naming why; submits are refused as closed', async () => {
    const pool = createPool({ worker: async (n: number) => n }).start();
    await pool.close();
    expect(() => pool.start()).toThrow(PoolStateError);
    expect(() => pool.start()).toThrow(/close\(\) is final \(create a new pool\)/);
    const refused = await pool.submit(1);
    expect(refused).toMatchObject({
      _tag: 'Left',
      left: { _tag: 'TaskRejected', reason: 'pool-closed' },
    });
    await expect(pool.close()).resolves.toBeUndefined();
  });

  it('throws from the moment the close reaches stopped, before its promise resolves', async () => {
    const pool = createPool({ worker: async (n: number) => n }).start();
    const thrown: unknown[] = [];
    pool.state$.subscribe((state) => {
      if (state !== 'stopped') return;
      try {
        pool.start();
      } catch (error) {
        thrown.push(error);
      }
    });
    await pool.close();
    expect(thrown).toHaveLength(1);
    expect(thrown[0]).toBeInstanceOf(PoolStateError);
    expect(pool.getSnapshot().state).toBe('stopped');
  });
});

describe('through() on a closing or closed pool', () => {
  it('on a closed pool: every item is refused and the stream completes', async () => {
    const pool = createPool({ worker: async (n: number) => n });
    await pool.close();
    const results = await lastValueFrom(from([1, 2, 3]).pipe(through(pool), toArray()));
    expect(results.map((r) => r._tag === 'Left' && r.left._tag)).toEqual([
      'TaskRejected',
      'TaskRejected',
      'TaskRejected',
    ]);
  });

  it('an item waiting for room when the pool closes is refused, not left hanging', async () => {
    const clock = createVirtualClock();
    const pool = createPool({
      worker: slowDouble(clock, 1_000),
      size: 1,
      queue: { capacity: 1 },
      clock,
    }).start();
    await clock.flush();
    // Another submitter holds the worker and fills the queue: through's item is refused for room.
    const others = [pool.submit(1), pool.submit(2)];
    const out = firstValueFrom(from([3]).pipe(through(pool, { concurrency: 1 }), toArray()));
    await clock.flush();
    await Promise.all([pool.close({ abort: true }), ...others]);
    const [only] = await out;
    expect(only).toMatchObject({
      _tag: 'Left',
      left: { _tag: 'TaskRejected', reason: 'pool-closed' },
    });
  });
});
