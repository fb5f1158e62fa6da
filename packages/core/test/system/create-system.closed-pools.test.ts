/**
 * A pool closed through its own handle (`system.pool(x).close()`) is lost to the system, as a
 * failed pool is: it is replaced by a new pool from its spec under the system's supervision
 * limits, balancers switch to the replacement with no accepted task lost, and a starting system
 * never waits for it forever.
 */
import { describe, expect, it } from 'vitest';
import { Subject } from 'rxjs';
import {
  createSystem,
  createVirtualClock,
  fromAsync,
  isOk,
  PoolClosedError,
  SystemFailedError,
  type SystemSpec,
  type TaskResult,
  type VirtualClock,
} from '@troupe/core';
import { after } from '../support/virtual-time.js';
import { record, until } from './system-support.js';

const backoff = { minMs: 100, maxMs: 100, jitter: 0 };

/** A worker that answers `<tag>:<n>` after 5 ms of the clock. */
const timed = (clock: VirtualClock, tag: string) => (n: number) => after(clock, 5, `${tag}:${n}`);

function shop(clock: VirtualClock) {
  const spec = {
    pools: {
      apiA: { worker: timed(clock, 'a'), size: 2, queue: { capacity: Infinity } },
      apiB: { worker: timed(clock, 'b'), size: 2, queue: { capacity: Infinity } },
      tail: { worker: async (s: string) => `<${s}>` },
    },
    balancers: { api: { pools: ['apiA', 'apiB'], strategy: 'round-robin' } },
    pipelines: { flow: ['api', 'tail'] },
    supervision: { maxRestarts: 3, backoff },
    clock,
  } as const satisfies SystemSpec;
  return createSystem(spec);
}

describe('createSystem: a pool closed through its own handle', () => {
  it('is replaced while traffic flows: balancer and pipeline switch to it, no task lost', async () => {
    const clock = createVirtualClock();
    const system = shop(clock);
    const events = record(system.events$);
    const start = system.start();
    await clock.flush();
    await start;
    const old = system.pool('apiA');
    const routed: Promise<TaskResult<string>>[] = [];
    let settled = 0;
    const source = new Subject<number>();
    const flowed: TaskResult<string>[] = [];
    system
      .pipeline('flow')
      .process(source)
      .subscribe((r) => flowed.push(r));
    // 2 tasks and a pipeline item every 5 ms; the two pools run 0.8 a ms.
    const traffic = async (ticks: number) => {
      for (let t = 0; t < ticks; t++) {
        for (let k = 0; k < 2; k++) {
          const task = system.balancer('api').submit(routed.length);
          routed.push(task);
          void task.finally(() => settled++);
        }
        source.next(t);
        await clock.advance(5);
      }
    };
    await traffic(20);
    // Queued on the old pool when it closes: drained there, not lost.
    const queued = [1, 2, 3, 4, 5].map((n) => old.submit(n));
    const closing = old.close();
    expect(await old.submit(6)).toMatchObject({ left: { reason: 'pool-closed' } });
    await traffic(100);
    await closing;
    expect(system.getSnapshot().state).toBe('running');
    const fresh = system.pool('apiA');
    expect(fresh).not.toBe(old);
    expect(fresh.getSnapshot().state).toBe('running');
    expect(old.getSnapshot().state).toBe('stopped');
    expect(events).toContain('restarting apiA');
    expect(events).toContain('restarted apiA');
    // Traffic after the switch reaches the replacement through the balancer.
    const before = fresh.getSnapshot().metrics.completed;
    await traffic(20);
    source.complete();
    expect(await until(clock, () => settled === routed.length && flowed.length === 140)).toBe(true);
    expect(fresh.getSnapshot().metrics.completed).toBeGreaterThan(before);
    expect((await Promise.all(queued)).every(isOk)).toBe(true);
    const results = await Promise.all(routed);
    expect(results).toHaveLength(140 * 2);
    expect(results.filter((r) => !isOk(r))).toEqual([]);
    expect(flowed).toHaveLength(140);
    expect(flowed.filter((r) => !isOk(r))).toEqual([]);
    expect(
      system
        .balancer('api')
        .getSnapshot()
        .members.map((m) => m.state),
    ).toEqual(['running', 'running']);
    await system.close();
    expect(clock.pending()).toBe(0);
  });

  it('holds a pipeline item its closed stage refused until the replacement runs, and sends it there', async () => {
    const clock = createVirtualClock();
    const ran: string[] = [];
    const system = createSystem({
      pools: {
        first: {
          worker: (n: number) => after(clock, 5, n).then((v) => (ran.push(`first:${v}`), v + 1)),
        },
        last: { worker: async (n: number) => n * 10 },
      },
      pipelines: { flow: ['first', 'last'] },
      supervision: { backoff },
      clock,
    });
    const start = system.start();
    await clock.flush();
    await start;
    const old = system.pool('first');
    const source = new Subject<number>();
    const out: TaskResult<number>[] = [];
    system
      .pipeline('flow')
      .process(source)
      .subscribe((r) => out.push(r));
    source.next(1);
    await clock.advance(10);
    void old.close();
    // Refused by the closed pool: it waits for the replacement (100 ms of backoff).
    source.next(2);
    source.next(3);
    await clock.advance(50);
    expect(out).toHaveLength(1);
    expect(await until(clock, () => out.length === 3, 5_000)).toBe(true);
    expect(out.map((r) => (isOk(r) ? r.right : r.left._tag))).toEqual([20, 30, 40]);
    expect(system.pool('first')).not.toBe(old);
    expect(system.pool('first').getSnapshot().metrics.completed).toBe(2);
    expect(ran).toEqual(['first:1', 'first:2', 'first:3']);
    source.complete();
    await system.close();
  });

  it('does not hang a start: a pool closed while the system starts is replaced and started', async () => {
    const clock = createVirtualClock();
    const slow = fromAsync({
      setup: () => after(clock, 50, undefined),
      run: async (n: number) => n,
    });
    const system = createSystem({
      pools: { db: { worker: slow, size: 2 }, web: { worker: slow } },
      supervision: { backoff },
      clock,
    });
    let settled: 'resolved' | 'rejected' | undefined;
    const start = system.start().then(
      () => (settled = 'resolved'),
      () => (settled = 'rejected'),
    );
    await clock.advance(10);
    expect(system.getSnapshot().state).toBe('starting');
    const old = system.pool('db');
    void old.close();
    expect(await until(clock, () => settled !== undefined, 5_000)).toBe(true);
    await start;
    expect(settled).toBe('resolved');
    expect(system.getSnapshot()).toMatchObject({
      state: 'running',
      pools: { db: 'running', web: 'running' },
    });
    expect(system.pool('db')).not.toBe(old);
    expect(await system.pool('db').run(7)).toBe(7);
    await system.close();
    expect(clock.pending()).toBe(0);
  });

  it('does not hang a start: a pool closed before it is replaced and started with the rest', async () => {
    const clock = createVirtualClock();
    const system = createSystem({
      pools: {
        db: { worker: async (n: number) => n * 2 },
        web: { worker: async (n: number) => n },
      },
      clock,
    });
    const old = system.pool('db');
    await old.close();
    const events = record(system.events$);
    let settled = false;
    const start = system.start().finally(() => (settled = true));
    expect(await until(clock, () => settled, 5_000)).toBe(true);
    await start;
    expect(system.pool('db')).not.toBe(old);
    expect(await system.pool('db').run(4)).toBe(8);
    // Nothing ran yet: no restart to tell, none counted.
    expect(events.filter((e) => e.startsWith('restart'))).toEqual([]);
    await system.close();
  });

  it('fails once, naming the pool, when closed through its handle past the limit', async () => {
    const clock = createVirtualClock();
    const system = createSystem({
      name: 'shop',
      pools: { db: { worker: async (n: number) => n }, web: { worker: async (n: number) => n } },
      balancers: { api: { pools: ['db', 'web'] } },
      supervision: { maxRestarts: 2, withinMs: 60_000, backoff },
      clock,
    });
    const events = record(system.events$);
    const start = system.start();
    await clock.flush();
    await start;
    const handles = new Set([system.pool('db')]);
    for (let n = 0; n < 2; n++) {
      void system.pool('db').close();
      expect(await until(clock, () => !handles.has(system.pool('db')), 5_000)).toBe(true);
      expect(await until(clock, () => system.pool('db').getSnapshot().state === 'running')).toBe(
        true,
      );
      handles.add(system.pool('db'));
    }
    expect(system.getSnapshot().state).toBe('running');
    void system.pool('db').close();
    expect(await until(clock, () => system.getSnapshot().state === 'failed', 5_000)).toBe(true);
    const failures = events.filter((e) => e.startsWith('failed:'));
    expect(failures).toEqual(['failed: db']);
    const error = system.getSnapshot().failure;
    expect(error).toBeInstanceOf(SystemFailedError);
    expect(error).toMatchObject({ system: 'shop', pool: 'db', restarts: 3 });
    expect((error as SystemFailedError).cause).toBeInstanceOf(PoolClosedError);
    expect(error?.message).toMatch(/pool 'db' failed 3 times within 60000 ms/);
    expect(error?.message).toMatch(/closed through its own handle/);
    await expect(system.start()).rejects.toBe(error);
    await system.close();
    expect(system.getSnapshot().pools).toEqual({ db: 'stopped', web: 'stopped' });
    expect(clock.pending()).toBe(0);
  });
});
