/**
 * The system as the root supervisor of its pools: a pool that fails (its own supervision gave
 * up) is restarted under the system's limits, with its siblings as the strategy says, in
 * declaration order; past the limits the system fails once, clearly, and closes every pool.
 */
import { describe, expect, it } from 'vitest';
import { createSystem, createVirtualClock, SystemFailedError } from '@troupe/core';
import { fragile, record, until } from './system-support.js';

const backoff = { minMs: 100, maxMs: 100, jitter: 0 };

describe('createSystem: restarts', () => {
  it('restarts a pool that failed, after the backoff, and runs on', async () => {
    const clock = createVirtualClock();
    const down = new Set(['db']);
    const system = createSystem({
      pools: { db: fragile('db', down), web: fragile('web', down) },
      supervision: { maxRestarts: 3, withinMs: 60_000, backoff },
      clock,
    });
    const events = record(system.events$);
    const started = system.start();
    await until(clock, () => events.includes('db:failed'));
    expect(system.getSnapshot().state).toBe('starting');
    down.delete('db');
    await until(clock, () => system.getSnapshot().state === 'running');
    await started;
    expect(events).toContain('restarting db');
    expect(events).toContain('restarted db');
    expect(events.indexOf('restarted db')).toBeGreaterThan(events.indexOf('db:failed'));
    expect(await system.pool('db').run(7)).toBe(7);
    await system.close();
    expect(events.at(-1)).toBe('system:stopped');
  });

  it('restarts a pool that fails while running', async () => {
    const clock = createVirtualClock();
    const down = new Set<string>();
    const system = createSystem({
      pools: { db: fragile('db', down) },
      supervision: { maxRestarts: 3, backoff },
      clock,
    });
    const events = record(system.events$);
    const started = system.start();
    await until(clock, () => system.getSnapshot().state === 'running');
    await started;
    down.add('db');
    const crashed = system.pool('db').submit(-1);
    await until(clock, () => events.includes('db:failed'));
    expect(await crashed).toMatchObject({ left: { _tag: 'WorkerCrashed' } });
    // Its restart fails too (still down): a second failure, a second restart.
    await until(clock, () => events.filter((e) => e === 'db:failed').length === 2);
    down.delete('db');
    await until(clock, () => events.at(-1) === 'db:running');
    expect(events.filter((e) => e === 'restarted db')).toHaveLength(2);
    expect(system.getSnapshot()).toMatchObject({ state: 'running', pools: { db: 'running' } });
    expect(await system.pool('db').run(3)).toBe(3);
    await system.close();
  });

  it('fails once, clearly, past its limit, and closes every pool', async () => {
    const clock = createVirtualClock();
    const down = new Set(['db']);
    const system = createSystem({
      name: 'shop',
      pools: { db: fragile('db', down), web: fragile('web', down) },
      supervision: { maxRestarts: 2, withinMs: 60_000, backoff },
      clock,
    });
    const events = record(system.events$);
    const started = system.start();
    const failure = started.catch((error: unknown) => error);
    await until(clock, () => system.getSnapshot().state === 'failed');
    const error = await failure;
    expect(error).toBeInstanceOf(SystemFailedError);
    expect(error).toMatchObject({ system: 'shop', pool: 'db', restarts: 3, withinMs: 60_000 });
    expect((error as Error).message).toMatch(
      /^system 'shop' failed: pool 'db' failed 3 times within 60000 ms/,
    );
    expect(events.filter((e) => e.startsWith('failed:'))).toEqual(['failed: db']);
    expect(events.filter((e) => e === 'restarted db')).toHaveLength(2);
    await until(clock, () =>
      Object.values(system.getSnapshot().pools).every((s) => s === 'stopped'),
    );
    expect(system.getSnapshot().pools).toEqual({ db: 'stopped', web: 'stopped' });
    expect(system.getSnapshot().failure).toBe(error);
    await expect(system.start()).rejects.toBe(error);
    await system.close();
    expect(system.getSnapshot().state).toBe('stopped');
    expect(clock.pending()).toBe(0);
  });
});
