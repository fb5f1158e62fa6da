/**
 * `system.reconfigure(spec)`: validated first (nothing changes on error), then applied live —
 * resizes, new pools, removed pools drained once no balancer routes to them, balancers rebuilt
 * over new members, pools replaced when their worker changes — with no accepted task lost.
 */
import { describe, expect, it } from 'vitest';
import { Subject } from 'rxjs';
import {
  createSystem,
  createVirtualClock,
  InvalidSystemSpecError,
  isOk,
  PoolStateError,
  type SystemSpec,
  type TaskResult,
  type VirtualClock,
} from '@troupe/core';
import { record, until } from './system-support.js';

/** A worker that takes 5 ms of the clock and logs `<tag>:<n>` once per run. */
function timed(clock: VirtualClock, tag: string, ran: string[]) {
  return (n: number) =>
    new Promise<string>((resolve) => {
      clock.setTimeout(() => {
        ran.push(`${tag}:${n}`);
        resolve(`${tag}:${n}`);
      }, 5);
    });
}

function setup() {
  const clock = createVirtualClock();
  const ran: string[] = [];
  const workers = {
    a: timed(clock, 'a', ran),
    b: timed(clock, 'b', ran),
    c: timed(clock, 'c', ran),
    b2: timed(clock, 'b2', ran),
  };
  const spec = {
    pools: {
      apiA: { worker: workers.a, size: 2, queue: { capacity: Infinity } },
      apiB: { worker: workers.b, size: 2, queue: { capacity: Infinity } },
    },
    balancers: { api: { pools: ['apiA', 'apiB'], strategy: 'round-robin' } },
    clock,
  } as const satisfies SystemSpec;
  const system = createSystem(spec);
  return { clock, ran, workers, system, spec };
}

async function started(clock: VirtualClock, system: { start(): Promise<void> }) {
  const start = system.start();
  await clock.flush();
  await start;
}

describe('system.reconfigure', () => {
  it('applies resizes, new and removed pools and new balancer members under load, losing nothing', async () => {
    const { clock, ran, workers, system } = setup();
    await started(clock, system);
    const events = record(system.events$);
    const results: Promise<TaskResult<string>>[] = [];
    for (let n = 0; n < 300; n++) results.push(system.balancer('api').submit(n));
    for (let n = 300; n < 350; n++) results.push(system.pool('apiB').submit(n));
    await clock.advance(20);
    const reconfigured = system.reconfigure({
      pools: {
        apiA: { worker: workers.a, size: 4, queue: { capacity: Infinity } },
        apiC: { worker: workers.c, size: 3, queue: { capacity: Infinity } },
      },
      balancers: { api: { pools: ['apiA', 'apiC'], strategy: 'round-robin' } },
      clock,
    });
    // Callers who ask the system for the balancer each time are never refused.
    for (let round = 0; round < 20; round++) {
      for (let k = 0; k < 10; k++)
        results.push(system.balancer('api').submit(1_000 + round * 10 + k));
      await clock.advance(5);
    }
    let done = false;
    void reconfigured.then(() => (done = true));
    await until(clock, () => done, 100_000, 5);
    expect(done).toBe(true);
    await until(clock, () => ran.length === results.length, 100_000, 5);
    const settled = await Promise.all(results);
    expect(settled.filter((r) => !isOk(r))).toEqual([]);
    // Each task ran exactly once.
    const inputs = ran.map((r) => Number(r.split(':')[1]));
    expect(new Set(inputs).size).toBe(results.length);
    expect(inputs.length).toBe(results.length);
    // Later tasks went to the new member, none to the removed one after the switch.
    expect(ran.some((r) => r.startsWith('c:'))).toBe(true);
    expect(system.getSnapshot()).toMatchObject({
      state: 'running',
      pools: { apiA: 'running', apiC: 'running' },
      balancers: { api: 'running' },
    });
    expect(system.pool('apiA').getSnapshot().size).toBe(4);
    expect(() => system.pool('apiB' as 'apiA')).toThrow(RangeError);
    expect(events).toContain('apiB:stopped');
    expect(events.at(-1)).toBe('reconfigured');
    await system.close();
  });

  it('replaces a pool whose worker changed: the old one drains, the new one takes what comes', async () => {
    const { clock, ran, workers, system, spec } = setup();
    await started(clock, system);
    const old = system.pool('apiB');
    const before = [1, 2, 3].map((n) => old.submit(n));
    const changes: unknown[] = [];
    system.events$.subscribe((e) => e.type === 'system.reconfigured' && changes.push(e.changes));
    const reconfigured = system.reconfigure({
      ...spec,
      pools: { ...spec.pools, apiB: { ...spec.pools.apiB, worker: workers.b2 } },
    });
    let done = false;
    void reconfigured.then(() => (done = true));
    await until(clock, () => done, 10_000, 5);
    expect((await Promise.all(before)).map((r) => isOk(r) && r.right)).toEqual([
      'b:1',
      'b:2',
      'b:3',
    ]);
    expect(system.pool('apiB')).not.toBe(old);
    expect(old.getSnapshot().state).toBe('stopped');
    const after = system.pool('apiB').submit(4);
    await clock.advance(5);
    expect(await after).toMatchObject({ right: 'b2:4' });
    // The balancer over it was rebuilt: the old handle refuses, as documented.
    expect(changes).toEqual([expect.objectContaining({ replaced: ['apiB'], rebalanced: ['api'] })]);
    expect(ran).toContain('b2:4');
    await system.close();
  });

  it('drains a rebuilt balancer: what it held finishes, a handle kept from before refuses after', async () => {
    const { clock, workers, system, spec } = setup();
    await started(clock, system);
    const oldApi = system.balancer('api');
    const held = Array.from({ length: 20 }, (_, n) => oldApi.submit(n));
    const reconfigured = system.reconfigure({
      ...spec,
      pools: { ...spec.pools, apiC: { worker: workers.c } },
      balancers: { api: { pools: ['apiA', 'apiB', 'apiC'], strategy: 'round-robin' } },
    });
    let done = false;
    void reconfigured.then(() => (done = true));
    await until(clock, () => done, 10_000, 5);
    expect((await Promise.all(held)).every(isOk)).toBe(true);
    expect(system.balancer('api')).not.toBe(oldApi);
    expect(await oldApi.submit(99)).toMatchObject({
      left: { _tag: 'TaskRejected', reason: 'pool-closed' },
    });
    const now = system.balancer('api').submit(100);
    await clock.advance(5);
    expect(await now).toMatchObject({ _tag: 'Right' });
    await system.close();
  });

  it('lets a running pipeline follow a stage that was replaced', async () => {
    const clock = createVirtualClock();
    const ran: string[] = [];
    const spec = {
      pools: {
        first: { worker: timed(clock, 'v1', ran) },
        last: { worker: async (s: string) => `<${s}>` },
      },
      pipelines: { flow: ['first', 'last'] },
      clock,
    } as const;
    const system = createSystem(spec);
    await started(clock, system);
    const source = new Subject<number>();
    const out: string[] = [];
    const finished = new Promise<void>((resolve) =>
      system
        .pipeline('flow')
        .process(source)
        .subscribe({
          next: (r) => out.push(isOk(r) ? r.right : `error: ${r.left.message}`),
          complete: resolve,
        }),
    );
    source.next(1);
    await clock.advance(5);
    const reconfigured = system.reconfigure({
      ...spec,
      pools: { ...spec.pools, first: { worker: timed(clock, 'v2', ran) } },
    });
    let done = false;
    void reconfigured.then(() => (done = true));
    await until(clock, () => done, 10_000, 5);
    source.next(2);
    await clock.advance(5);
    source.complete();
    await clock.flush();
    await finished;
    expect(out).toEqual(['<v1:1>', '<v2:2>']);
    await system.close();
  });

  it('restarts a replaced pool under the system, as any other', async () => {
    const { clock, workers, system, spec } = setup();
    await started(clock, system);
    const done = system.reconfigure({
      ...spec,
      pools: { ...spec.pools, apiA: { ...spec.pools.apiA, worker: workers.c } },
    });
    await until(clock, () => system.getSnapshot().pools.apiA === 'running', 1_000, 5);
    await clock.advance(100);
    await done;
    expect(system.getSnapshot().state).toBe('running');
    await system.close();
    expect(system.getSnapshot().pools).toEqual({ apiA: 'stopped', apiB: 'stopped' });
  });

  it('changes nothing when the new spec is invalid, and says why', async () => {
    const { clock, system, spec } = setup();
    await started(clock, system);
    const error = await system
      .reconfigure({ ...spec, pools: { ...spec.pools, apiA: { ...spec.pools.apiA, size: -2 } } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidSystemSpecError);
    expect((error as InvalidSystemSpecError).problems.map((p) => p.path)).toEqual([
      'pools.apiA.size',
    ]);
    const clockChange = await system
      .reconfigure({ ...spec, clock: createVirtualClock() })
      .catch((e: unknown) => e);
    expect((clockChange as InvalidSystemSpecError).problems).toEqual([
      { path: 'clock', message: 'cannot change on a running system (create a new system for it)' },
    ]);
    expect(system.pool('apiA').getSnapshot().size).toBe(2);
    await system.close();
    await expect(system.reconfigure(spec)).rejects.toBeInstanceOf(PoolStateError);
  });

  it('reshapes a stopped system without starting it; start starts what it has then', async () => {
    const { clock, workers, system: before } = setup();
    const system = await before.reconfigure({
      pools: { solo: { worker: workers.c, size: 1 } },
      pipelines: { one: ['solo'] },
      clock,
    });
    expect(system.getSnapshot()).toMatchObject({
      state: 'stopped',
      pools: { solo: 'stopped' },
      balancers: {},
      pipelines: { one: ['solo'] },
    });
    await started(clock, system);
    const out = system.pool('solo').run(9);
    await clock.advance(5);
    expect(await out).toBe('c:9');
    await system.close();
  });
});
