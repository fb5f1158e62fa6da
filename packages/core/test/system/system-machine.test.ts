/**
 * The system machine alone: driven by events, its pool children a stub that records what it is
 * sent, its effects a fake that records the calls. No pool, no engine.
 */
import { describe, expect, it } from 'vitest';
import { createActor, setup } from 'xstate';
import {
  createVirtualClock,
  exponentialBackoff,
  systemMachine,
  type SystemEffects,
  type SystemEvent,
} from '@troupe/core';

/** Stands in for a pool actor: logs every event it gets as `<name> <type>`. */
const stubPool = setup({
  types: {
    input: {} as { name: string; log: string[] },
    context: {} as { name: string; log: string[] },
  },
}).createMachine({
  context: ({ input }) => input,
  on: {
    '*': {
      actions: ({ context, event }) => {
        context.log.push(`${context.name} ${event.type}`);
      },
    },
  },
});

function harness(
  strategy: 'one-for-one' | 'one-for-all' | 'rest-for-one' = 'one-for-one',
  close: () => Promise<void> = () => Promise.resolve(),
) {
  const clock = createVirtualClock();
  const log: string[] = [];
  const told: SystemEvent[] = [];
  const replaced: string[] = [];
  const made = new Map<string, number>();
  let closes = 0;
  const effects: SystemEffects = {
    // A replacement's actor is `<name>.<n>`, as the system names it.
    poolActor: (name) => {
      const n = made.get(name) ?? 1;
      return { id: n === 1 ? name : `${name}.${n}`, input: { name, log } as never };
    },
    restartWorkers: (name) => ({ type: `restart-workers-of-${name}` }) as never,
    replacePool: (name) => {
      replaced.push(name);
      made.set(name, (made.get(name) ?? 1) + 1);
    },
    emit: (event) => told.push(event),
    close: () => {
      closes++;
      return close();
    },
  };
  const machine = systemMachine.provide({ actors: { pool: stubPool as never } });
  const actor = createActor(machine, {
    clock,
    input: {
      name: 'sys',
      pools: ['a', 'b', 'c'],
      supervision: {
        strategy,
        maxRestarts: 2,
        withinMs: 10_000,
        backoff: exponentialBackoff({ minMs: 50, maxMs: 50, jitter: 0 }),
        resetAfterMs: 10_000,
      },
      clock,
      random: () => 0.5,
      effects,
    },
  }).start();
  const state = (name: string, value: 'running' | 'failed' | 'stopped' | 'starting') =>
    actor.send({ type: 'pool.state', name, id: name, state: value, cause: `${name} broke` });
  const closed = (name: string, id = name) => actor.send({ type: 'pool.closed', name, id });
  return { clock, log, told, replaced, actor, state, closed, closes: () => closes };
}

describe('systemMachine', () => {
  it('spawns a child per pool and starts them in declaration order', () => {
    const { actor, log, state } = harness();
    expect(Object.keys(actor.getSnapshot().children).sort()).toEqual(['a', 'b', 'c']);
    expect(actor.getSnapshot().value).toBe('stopped');
    actor.send({ type: 'system.start' });
    expect(log).toEqual(['a pool.start', 'b pool.start', 'c pool.start']);
    expect(actor.getSnapshot().value).toBe('starting');
    state('a', 'running');
    state('b', 'running');
    expect(actor.getSnapshot().value).toBe('starting');
    state('c', 'running');
    expect(actor.getSnapshot().value).toBe('running');
  });

  it('restarts a failed pool after the backoff, through the clock', async () => {
    const { actor, log, told, state, clock } = harness();
    actor.send({ type: 'system.start' });
    for (const p of ['a', 'b', 'c']) state(p, 'running');
    log.length = 0;
    state('b', 'failed');
    expect(told).toContainEqual({
      type: 'pool.restarting',
      pool: 'b',
      delayMs: 50,
      attempt: 1,
      cause: 'b broke',
    });
    expect(log).toEqual([]);
    await clock.advance(49);
    expect(log).toEqual([]);
    await clock.advance(1);
    expect(log).toEqual(['b pool.start']);
    expect(told).toContainEqual({ type: 'pool.restarted', pool: 'b', workers: false });
    expect(actor.getSnapshot().value).toBe('running');
  });

  it.each([
    ['one-for-all', ['a restart-workers-of-a', 'b pool.start', 'c restart-workers-of-c']],
    ['rest-for-one', ['b pool.start', 'c restart-workers-of-c']],
  ] as const)('%s restarts the right pools in declaration order', async (strategy, expected) => {
    const { actor, log, state, clock } = harness(strategy);
    actor.send({ type: 'system.start' });
    for (const p of ['a', 'b', 'c']) state(p, 'running');
    log.length = 0;
    state('b', 'failed');
    await clock.advance(50);
    expect(log).toEqual(expected);
  });

  it('fails once past its limit, closes every member, and never errors', async () => {
    const { actor, told, state, clock, closes } = harness();
    actor.send({ type: 'system.start' });
    for (const p of ['a', 'b', 'c']) state(p, 'running');
    for (let i = 0; i < 3; i++) {
      state('a', 'failed');
      await clock.advance(50);
      state('a', 'running');
    }
    expect(actor.getSnapshot().value).toBe('failed');
    expect(actor.getSnapshot().status).toBe('active');
    const failures = told.filter((e) => e.type === 'system.failed');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      error: { pool: 'a', restarts: 3, withinMs: 10_000, cause: 'a broke' },
    });
    expect(closes()).toBe(1);
    // A failure while failed changes nothing; no restart is pending.
    state('b', 'failed');
    expect(clock.pending()).toBe(0);
    actor.send({ type: 'system.close' });
    await clock.flush();
    expect(actor.getSnapshot().value).toBe('stopped');
    expect(actor.getSnapshot().context.closed).toBe(true);
  });

  it('cancels pending restarts on close, ends in stopped even when the close throws, and never starts again', async () => {
    const { actor, log, state, clock } = harness('one-for-one', () =>
      Promise.reject(new Error('boom')),
    );
    actor.send({ type: 'system.start' });
    for (const p of ['a', 'b', 'c']) state(p, 'running');
    state('a', 'failed');
    actor.send({ type: 'system.close' });
    expect(actor.getSnapshot().value).toBe('closing');
    expect(clock.pending()).toBe(0);
    await clock.flush();
    expect(actor.getSnapshot().value).toBe('stopped');
    expect(actor.getSnapshot().status).toBe('active');
    log.length = 0;
    actor.send({ type: 'system.start' });
    expect(actor.getSnapshot().value).toBe('stopped');
    expect(log).toEqual([]);
  });

  it('takes pools added and removed by reconfigure', () => {
    const { actor, log, state } = harness();
    actor.send({ type: 'system.start' });
    for (const p of ['a', 'b', 'c']) state(p, 'running');
    log.length = 0;
    actor.send({ type: 'pool.added', name: 'd' });
    expect(actor.getSnapshot().children.d).toBeDefined();
    expect(log).toEqual([]);
    actor.send({ type: 'pool.join', name: 'd' });
    expect(log).toEqual(['d pool.start']);
    expect(actor.getSnapshot().value).toBe('running');
    actor.send({ type: 'pool.removed', name: 'a' });
    expect(actor.getSnapshot().context.pools).toEqual(['b', 'c', 'd']);
    actor.send({ type: 'pool.gone', name: 'a', id: 'a' });
    expect(actor.getSnapshot().children.a).toBeUndefined();
  });

  it('counts a pool closed through its own handle as an exit, and restarts it by a replacement', async () => {
    const { actor, log, told, replaced, state, closed, clock } = harness();
    actor.send({ type: 'system.start' });
    for (const p of ['a', 'b', 'c']) state(p, 'running');
    log.length = 0;
    closed('b');
    closed('b'); // its close becoming final: the same loss, told once
    const restarting = told.filter((e) => e.type === 'pool.restarting');
    expect(restarting).toHaveLength(1);
    expect(restarting[0]).toMatchObject({ pool: 'b', delayMs: 50, attempt: 1 });
    expect((restarting[0] as { cause: Error }).cause).toMatchObject({
      name: 'PoolClosedError',
      message: expect.stringContaining("pool 'b' was closed through its own handle") as string,
    });
    expect(actor.getSnapshot().context.lost).toEqual(['b']);
    await clock.advance(50);
    // No start for the closed actor: a replacement is asked for instead.
    expect(log).toEqual([]);
    expect(replaced).toEqual(['b']);
    expect(told).toContainEqual({
      type: 'pool.restarted',
      pool: 'b',
      workers: false,
      replaced: true,
    });
    actor.send({ type: 'pool.respawn', name: 'b' });
    expect(actor.getSnapshot().context).toMatchObject({
      lost: [],
      ids: { b: 'b.2' },
      leaving: ['b'],
    });
    expect(actor.getSnapshot().children['b.2']).toBeDefined();
    actor.send({ type: 'pool.join', name: 'b' });
    expect(log).toEqual(['b pool.start']);
    // The old actor's states no longer count; the new one's do.
    actor.send({ type: 'pool.state', name: 'b', id: 'b', state: 'stopped' });
    closed('b', 'b');
    expect(told.filter((e) => e.type === 'pool.restarting')).toHaveLength(1);
    actor.send({ type: 'pool.state', name: 'b', id: 'b.2', state: 'running' });
    expect(actor.getSnapshot().value).toBe('running');
    actor.send({ type: 'pool.gone', name: 'b', id: 'b' });
    expect(actor.getSnapshot().children.b).toBeUndefined();
    expect(actor.getSnapshot().context.leaving).toEqual([]);
  });

  it('replaces a pool closed before the start at once, and starts the replacement when it joins', () => {
    const { actor, log, told, replaced, state, closed } = harness();
    closed('a');
    expect(replaced).toEqual(['a']);
    actor.send({ type: 'system.start' });
    expect(log).toEqual(['b pool.start', 'c pool.start']);
    expect(told.filter((e) => e.type === 'pool.restarting')).toEqual([]);
    actor.send({ type: 'pool.respawn', name: 'a' });
    actor.send({ type: 'pool.join', name: 'a' });
    expect(log).toEqual(['b pool.start', 'c pool.start', 'a pool.start']);
    state('b', 'running');
    state('c', 'running');
    expect(actor.getSnapshot().value).toBe('starting');
    actor.send({ type: 'pool.state', name: 'a', id: 'a.2', state: 'running' });
    expect(actor.getSnapshot().value).toBe('running');
  });

  it('fails once when pools are closed through their handles past its limit', async () => {
    const { actor, told, state, closed, clock } = harness();
    actor.send({ type: 'system.start' });
    for (const p of ['a', 'b', 'c']) state(p, 'running');
    for (let n = 1; n <= 3; n++) {
      closed('c', n === 1 ? 'c' : `c.${n}`);
      await clock.advance(50);
      if (actor.getSnapshot().value === 'failed') break;
      actor.send({ type: 'pool.respawn', name: 'c' });
      actor.send({ type: 'pool.join', name: 'c' });
      actor.send({ type: 'pool.state', name: 'c', id: `c.${n + 1}`, state: 'running' });
    }
    expect(actor.getSnapshot().value).toBe('failed');
    const failures = told.filter((e) => e.type === 'system.failed');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      error: { pool: 'c', restarts: 3, cause: { name: 'PoolClosedError' } },
    });
  });

  it('ignores closes it asked for: of removed pools, of old actors, while closing', () => {
    const { actor, told, replaced, state, closed } = harness();
    actor.send({ type: 'system.start' });
    for (const p of ['a', 'b', 'c']) state(p, 'running');
    actor.send({ type: 'pool.removed', name: 'a' });
    closed('a');
    closed('b', 'b.7');
    actor.send({ type: 'system.close' });
    closed('c');
    expect(told.filter((e) => e.type === 'pool.restarting')).toEqual([]);
    expect(replaced).toEqual([]);
    expect(actor.getSnapshot().context.lost).toEqual([]);
  });
});
