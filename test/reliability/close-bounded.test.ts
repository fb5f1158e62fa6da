/**
 * Every close can be bounded: a close waiting on a setup or a teardown that never settles ends
 * with a later `close({ abort: true })` or a `close({ timeoutMs })` (given with the first call or
 * a later one). The worker is abandoned — `worker.abandoned` on `events$`, its actor stopped (a
 * setup's signal aborts), its resource dropped — and the pool reaches `stopped`. On the virtual
 * clock.
 */
import { describe, expect, it } from 'vitest';
import {
  createPool,
  createVirtualClock,
  fromAsync,
  PoolStateError,
  type PoolEvent,
  type PoolState,
} from '@troupe/core';
import { track } from '../../packages/core/test/support/pool-harness.js';
import { conservationProblem } from './support/observe.js';

type Hang = 'setup' | 'teardown';

/** A one-worker pool whose setup or teardown never settles. */
function hangingPool(hang: Hang) {
  const clock = createVirtualClock();
  const seen = { setupAborted: false, teardowns: 0 };
  const pool = createPool({
    worker: fromAsync({
      setup: ({ signal }) => {
        if (hang !== 'setup') return 'resource';
        signal.addEventListener('abort', () => (seen.setupAborted = true));
        return new Promise<string>(() => undefined);
      },
      run: async (n: number) => n,
      teardown: () => {
        seen.teardowns++;
        return new Promise<void>(() => undefined);
      },
    }),
    size: 1,
    clock,
  });
  const events: PoolEvent[] = [];
  pool.events$.subscribe((event) => events.push(event));
  const states: PoolState[] = [];
  pool.state$.subscribe((state) => states.push(state));
  return { clock, pool, seen, events, states };
}

const abandoned = (events: readonly PoolEvent[]) =>
  events.filter((e) => e.type === 'worker.abandoned');

describe.each<Hang>(['setup', 'teardown'])('a close waiting on a %s that never settles', (hang) => {
  async function waiting() {
    const h = hangingPool(hang);
    h.pool.start();
    await h.clock.advance(10);
    expect(h.pool.getSnapshot().state).toBe(hang === 'setup' ? 'starting' : 'running');
    const closed = track(h.pool.close());
    await h.clock.advance(1_000);
    expect([closed.settled, h.pool.getSnapshot().state]).toEqual([0, 'closing']);
    expect(h.seen.teardowns).toBe(hang === 'setup' ? 0 : 1);
    return { ...h, closed };
  }

  function expectAbandoned(h: Awaited<ReturnType<typeof waiting>>): void {
    expect([h.closed.settled, h.closed.rejected]).toEqual([1, false]);
    expect(h.pool.getSnapshot().state).toBe('stopped');
    expect(h.states).toEqual([
      'stopped',
      'starting',
      ...(hang === 'setup' ? [] : ['running']),
      'closing',
      'stopped',
    ]);
    expect(abandoned(h.events)).toEqual([
      { type: 'worker.abandoned', workerId: 'pool-w1', during: hang },
    ]);
    expect(h.pool.getSnapshot().workers).toEqual([]);
    if (hang === 'setup') expect(h.seen.setupAborted).toBe(true);
    expect(conservationProblem(h.pool.getSnapshot().metrics)).toBeUndefined();
  }

  it('ends with a later close({ abort: true })', async () => {
    const h = await waiting();
    expect(h.pool.close({ abort: true })).toBeInstanceOf(Promise);
    await h.clock.flush();
    expectAbandoned(h);
  });

  it('ends with a later close({ timeoutMs }) at its deadline', async () => {
    const h = await waiting();
    void h.pool.close({ timeoutMs: 500 });
    await h.clock.advance(499);
    expect(h.closed.settled).toBe(0);
    await h.clock.advance(1);
    expectAbandoned(h);
  });

  it('ends with the first close({ timeoutMs }) at its deadline', async () => {
    const h = hangingPool(hang);
    h.pool.start();
    await h.clock.advance(10);
    const closed = track(h.pool.close({ timeoutMs: 500 }));
    await h.clock.advance(499);
    expect(closed.settled).toBe(0);
    await h.clock.advance(1);
    expectAbandoned({ ...h, closed });
  });

  it('is final afterwards: start() throws, and no timer of the pool is left', async () => {
    const h = await waiting();
    void h.pool.close({ abort: true });
    await h.clock.flush();
    expect(h.pool.getSnapshot().state).toBe('stopped');
    expect(() => h.pool.start()).toThrow(PoolStateError);
    expect(h.clock.pending()).toBe(0);
    expect(h.pool.getSnapshot().state).toBe('stopped');
  });
});

it('a first close({ abort: true }) does not wait for a setup in progress', async () => {
  const h = hangingPool('setup');
  h.pool.start();
  await h.clock.advance(10);
  const closed = track(h.pool.close({ abort: true }));
  await h.clock.flush();
  expect([closed.settled, h.pool.getSnapshot().state]).toEqual([1, 'stopped']);
  expect(abandoned(h.events)).toEqual([
    { type: 'worker.abandoned', workerId: 'pool-w1', during: 'setup' },
  ]);
});

it('an earlier deadline given later wins; a later one does not postpone it', async () => {
  const h = hangingPool('teardown');
  h.pool.start();
  await h.clock.advance(10);
  const closed = track(h.pool.close({ timeoutMs: 1_000 }));
  void h.pool.close({ timeoutMs: 5_000 });
  void h.pool.close({ timeoutMs: 300 });
  await h.clock.advance(299);
  expect(closed.settled).toBe(0);
  await h.clock.advance(1);
  expect([closed.settled, h.pool.getSnapshot().state]).toEqual([1, 'stopped']);
  expect(h.clock.pending()).toBe(0);
});
