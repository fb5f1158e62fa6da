/**
 * Closing a pool whose workers keep failing, on the virtual clock: a close with a deadline
 * completes at that deadline even mid restart loop and nothing restarts afterwards; a drain close
 * ends when the supervisor gives up; a second close returns the same promise; a close after
 * `failed` resolves and leaves the pool `stopped` (and startable again).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createPool,
  createVirtualClock,
  fromAsync,
  PoolClosedError,
  PoolFailedError,
  PoolStateError,
  type PoolState,
  type VirtualClock,
} from '@troupe/core';
import { track } from '../../packages/core/test/support/pool-harness.js';
import {
  conservationProblem,
  illegalMoves,
  ofType,
  recordEvents,
  tagOf,
} from './support/observe.js';

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});
afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
});

/** A pool whose worker setup fails (after `setupMs` of virtual time) until `healthy` is set. */
function flakyPool(clock: VirtualClock, maxRestarts: number, setupMs = 0, size = 1) {
  const state = { setups: 0, healthy: false };
  const pool = createPool({
    worker: fromAsync({
      setup: async () => {
        state.setups++;
        if (setupMs > 0) await new Promise<void>((resolve) => clock.setTimeout(resolve, setupMs));
        if (!state.healthy) throw new Error('no database');
        return 'db';
      },
      run: async (n: number) => n,
    }),
    size,
    clock,
    supervision: { maxRestarts, withinMs: 60_000, backoff: { minMs: 100, maxMs: 1_000 } },
    random: () => 0.5,
  });
  const seen = recordEvents(pool, clock);
  const states: PoolState[] = [];
  pool.state$.subscribe((s) => states.push(s));
  return { pool, state, seen, states };
}

describe('close while workers keep restarting', () => {
  it('close({ timeoutMs }) mid restart loop completes at its deadline; nothing restarts after', async () => {
    const clock = createVirtualClock();
    const { pool, state, seen, states } = flakyPool(clock, Infinity);
    pool.start();
    const queued = [1, 2].map((n) => track(pool.submit(n)));
    await clock.advance(250); // setups at 0, 100 and 300 (backoff 100, 200, ...)
    expect(state.setups).toBe(2);
    const closed = track(pool.close({ timeoutMs: 1_000 }));
    await clock.advance(999);
    expect(closed.settled, 'still draining before the deadline').toBe(0);
    expect(pool.getSnapshot().state).toBe('closing');
    await clock.advance(1);
    await clock.flush();
    expect(closed.settled).toBe(1);
    expect(closed.rejected).toBe(false);
    expect(pool.getSnapshot().state).toBe('stopped');
    expect(states).toEqual(['stopped', 'starting', 'closing', 'stopped']);
    for (const q of queued) {
      expect(tagOf(q.value)).toBe('TaskCancelled');
      expect(q.value && 'left' in q.value && q.value.left.cause).toBeInstanceOf(PoolClosedError);
    }
    const setups = state.setups;
    const restarting = ofType(seen, 'worker.restarting').length;
    await clock.advance(60_000);
    expect(state.setups, 'no setup after the pool stopped').toBe(setups);
    expect(ofType(seen, 'worker.restarting')).toHaveLength(restarting);
    expect(pool.getSnapshot().workers).toEqual([]);
    expect(conservationProblem(pool.getSnapshot().metrics)).toBeUndefined();
  });

  it('close({ timeoutMs }) while a failing setup is still running: stops at the deadline, the late failure is ignored', async () => {
    const clock = createVirtualClock();
    const { pool, state, seen } = flakyPool(clock, Infinity, 500);
    pool.start();
    const queued = track(pool.submit(1));
    await clock.advance(100); // setup in progress until 500
    const closed = track(pool.close({ timeoutMs: 50 }));
    await clock.advance(50);
    await clock.flush();
    expect([closed.settled, pool.getSnapshot().state]).toEqual([1, 'stopped']);
    expect(tagOf(queued.value)).toBe('TaskCancelled');
    const events = seen.length;
    await clock.advance(10_000);
    expect(state.setups).toBe(1);
    expect(seen.slice(events).map((s) => s.event.type)).toEqual([]);
  });

  it('a drain close with nothing queued ends at once, though a restart is pending', async () => {
    const clock = createVirtualClock();
    const { pool, state } = flakyPool(clock, Infinity);
    pool.start();
    await clock.advance(50); // first setup failed at 0; restart due at 100
    const closed = track(pool.close());
    await clock.flush();
    expect([closed.settled, pool.getSnapshot().state]).toEqual([1, 'stopped']);
    await clock.advance(10_000);
    expect(state.setups).toBe(1);
  });

  it('a drain close with queued tasks ends when the supervisor gives up: tasks rejected pool-failed, pool stopped', async () => {
    const clock = createVirtualClock();
    const { pool, state, seen, states } = flakyPool(clock, 3);
    pool.start();
    const queued = [1, 2, 3].map((n) => track(pool.submit(n)));
    await clock.advance(10);
    const closed = track(pool.close());
    for (let i = 0; i < 100 && closed.settled === 0; i++) await clock.advance(50);
    expect(closed.settled).toBe(1);
    expect(state.setups).toBe(4); // the first and 3 restarts
    expect(pool.getSnapshot().state).toBe('stopped');
    expect(states).toEqual(['stopped', 'starting', 'closing', 'stopped']);
    expect(ofType(seen, 'pool.failed')).toHaveLength(1);
    for (const q of queued) expect(tagOf(q.value)).toBe('TaskRejected');
    expect(conservationProblem(pool.getSnapshot().metrics)).toBeUndefined();
  });

  it('close twice returns the same promise; a later close({ abort }) ends it at once', async () => {
    const clock = createVirtualClock();
    const { pool } = flakyPool(clock, Infinity);
    pool.start();
    const queued = track(pool.submit(1));
    await clock.advance(150);
    const first = pool.close({ timeoutMs: 10_000 });
    const second = pool.close();
    expect(second).toBe(first);
    const closed = track(first);
    await clock.advance(500);
    expect(closed.settled).toBe(0);
    expect(pool.close({ abort: true })).toBe(first);
    await clock.flush();
    expect([closed.settled, pool.getSnapshot().state]).toEqual([1, 'stopped']);
    expect(tagOf(queued.value)).toBe('TaskCancelled');
    // Once stopped, close resolves at once.
    await expect(pool.close()).resolves.toBeUndefined();
  });

  it('close after failed resolves, the pool ends stopped, and the close is final', async () => {
    const clock = createVirtualClock();
    const { pool, seen, states } = flakyPool(clock, 2, 0, 2);
    let completed = false;
    pool.state$.subscribe({ complete: () => (completed = true) });
    pool.start();
    for (let i = 0; i < 100 && pool.getSnapshot().state !== 'failed'; i++) await clock.advance(50);
    expect(pool.getSnapshot().state).toBe('failed');
    expect(pool.getSnapshot().failure).toBeInstanceOf(PoolFailedError);
    // Failed is not closed: its streams stay open (it may start again).
    expect(completed).toBe(false);
    const first = pool.close();
    expect(pool.close()).toBe(first);
    const closed = track(first);
    await clock.flush();
    expect([closed.settled, closed.rejected]).toEqual([1, false]);
    expect(pool.getSnapshot().state).toBe('stopped');
    expect(pool.getSnapshot().workers).toEqual([]);
    expect(completed).toBe(true);
    expect(clock.pending()).toBe(0);
    expect(() => pool.start()).toThrow(PoolStateError);
    expect(illegalMoves(states)).toEqual([]);
    expect(states).toEqual(['stopped', 'starting', 'failed', 'closing', 'stopped']);
    expect(ofType(seen, 'pool.failed')).toHaveLength(1);
  });

  it('a failed pool starts again with a fresh limit', async () => {
    const clock = createVirtualClock();
    const { pool, state, seen, states } = flakyPool(clock, 2, 0, 2);
    pool.start();
    for (let i = 0; i < 100 && pool.getSnapshot().state !== 'failed'; i++) await clock.advance(50);
    expect(pool.getSnapshot().state).toBe('failed');
    state.healthy = true;
    pool.start();
    await clock.flush();
    expect(pool.getSnapshot().state).toBe('running');
    expect(pool.getSnapshot().failure).toBeUndefined();
    expect(await pool.run(7)).toBe(7);
    expect(illegalMoves(states)).toEqual([]);
    expect(states).toEqual(['stopped', 'starting', 'failed', 'starting', 'running']);
    expect(ofType(seen, 'pool.failed')).toHaveLength(1);
    await pool.close();
    expect(pool.getSnapshot().state).toBe('stopped');
  });
});
