/**
 * A system's lifecycle: pools start before anything routes to them; close goes in reverse
 * dependency order — pipelines stop taking input, balancers drain (outer first), then pools —
 * each drained; close is one promise, bounded, final, and never hangs on a failed pool.
 */
import { describe, expect, it } from 'vitest';
import { Subject, firstValueFrom, lastValueFrom, take, toArray, type Observable } from 'rxjs';
import { createSystem, createVirtualClock, isOk, PoolStateError } from '@troupe/core';
import { fragile, record, until } from './system-support.js';

/** A worker that waits until `release()` for each task. */
function gated() {
  const waiting: (() => void)[] = [];
  return {
    worker: (n: number) =>
      new Promise<number>((resolve) => {
        waiting.push(() => resolve(n));
      }),
    release: () => {
      for (const go of waiting.splice(0)) go();
    },
    get waiting() {
      return waiting.length;
    },
  };
}

function shop() {
  const gate = gated();
  const system = createSystem({
    pools: {
      apiA: { worker: gate.worker, size: 2 },
      apiB: { worker: gate.worker, size: 2 },
      tail: { worker: async (n: number) => n * 10 },
    },
    balancers: {
      api: { pools: ['apiA', 'apiB'], strategy: 'round-robin' },
      front: { pools: ['api', 'tail'], strategy: 'round-robin' },
    },
    pipelines: { flow: ['api', 'tail'] },
  });
  const order: string[] = [];
  const watch = (name: string, state$: Observable<string>) =>
    state$.subscribe((state) => order.push(`${name}:${state}`));
  watch('system', system.state$);
  for (const pool of ['apiA', 'apiB', 'tail'] as const) watch(pool, system.pool(pool).state$);
  watch('api', system.balancer('api').state$);
  watch('front', system.balancer('front').state$);
  order.length = 0;
  return { system, gate, order };
}

describe('createSystem: start and close', () => {
  it('starts every pool before it is running, and the balancers run on them', async () => {
    const { system } = shop();
    const events = record(system.events$);
    await system.start();
    expect(events).toEqual([
      'system:stopped',
      'apiA:starting',
      'apiB:starting',
      'tail:starting',
      'system:starting',
      'apiA:running',
      'apiB:running',
      'tail:running',
      'system:running',
    ]);
    expect(system.getSnapshot()).toEqual({
      name: 'system',
      state: 'running',
      pools: { apiA: 'running', apiB: 'running', tail: 'running' },
      balancers: { api: 'running', front: 'running' },
      pipelines: { flow: ['api', 'tail'] },
    });
    await system.close();
  });

  it('closes in reverse dependency order, each drained', async () => {
    const { system, gate, order } = shop();
    await system.start();
    const source = new Subject<number>();
    const flowed = lastValueFrom(system.pipeline('flow').process(source).pipe(toArray()));
    source.next(1);
    source.next(2);
    const routed = [3, 4, 5].map((n) => system.balancer('front').submit(n));
    const direct = system.pool('apiA').submit(6);
    order.length = 0;
    const closed = system.close();
    expect(system.close()).toBe(closed);
    // The pipeline takes no more input; the tasks already in go on.
    source.next(99);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(order).toEqual(['system:closing']);
    // Let every gated task go, as they come (some start only when others are done).
    const releasing = setInterval(gate.release, 1);
    await closed;
    clearInterval(releasing);
    const flowedValues = (await flowed).map((r) => (isOk(r) ? r.right : r.left));
    expect(flowedValues.sort()).toEqual([10, 20]);
    expect((await Promise.all(routed)).every(isOk)).toBe(true);
    expect(await direct).toMatchObject({ right: 6 });
    const closing = order.filter((e) => e.endsWith(':closing'));
    expect(closing).toEqual([
      'system:closing',
      'front:closing',
      'api:closing',
      expect.any(String),
      expect.any(String),
      expect.any(String),
    ]);
    expect(closing.slice(3).sort()).toEqual(['apiA:closing', 'apiB:closing', 'tail:closing']);
    expect(order.indexOf('front:stopped')).toBeLessThan(order.indexOf('api:closing'));
    expect(order.indexOf('api:stopped')).toBeLessThan(order.indexOf('apiA:closing'));
    expect(order.at(-1)).toBe('system:stopped');
  });

  it('is final: streams complete, start and process refuse, members are closed', async () => {
    const { system } = shop();
    await system.start();
    const metrics = firstValueFrom(system.metrics$);
    expect(Object.keys((await metrics).pools)).toEqual(['apiA', 'apiB', 'tail']);
    await system.close();
    await expect(system.start()).rejects.toBeInstanceOf(PoolStateError);
    expect(await lastValueFrom(system.state$)).toBe('stopped');
    expect(await lastValueFrom(system.events$)).toEqual({ type: 'system.state', state: 'stopped' });
    const last = await lastValueFrom(system.metrics$);
    expect(Object.keys(last.balancers)).toEqual(['api', 'front']);
    await expect(
      firstValueFrom(system.pipeline('flow').process(new Subject<number>())),
    ).rejects.toBeInstanceOf(PoolStateError);
    expect(await system.pool('tail').submit(1)).toMatchObject({ left: { reason: 'pool-closed' } });
  });

  it('closes a never-started system at once', async () => {
    const { system } = shop();
    await system.close();
    expect(system.getSnapshot().state).toBe('stopped');
    await expect(system.start()).rejects.toBeInstanceOf(PoolStateError);
  });

  it('does not hang on a failed pool, nor on a balancer whose only member failed', async () => {
    const clock = createVirtualClock();
    const down = new Set<string>();
    const system = createSystem({
      pools: { db: fragile('db', down), ok: fragile('ok', down) },
      balancers: { only: { pools: ['db'] } },
      // A restart far off: db stays failed while the system closes.
      supervision: { backoff: { minMs: 60_000, maxMs: 60_000 } },
      clock,
    });
    const events = record(system.events$);
    const started = system.start();
    await until(clock, () => system.getSnapshot().state === 'running');
    await started;
    down.add('db');
    void system.pool('db').submit(-1);
    await until(clock, () => events.includes('db:failed'));
    const held = system.balancer('only').submit(5);
    await system.close();
    expect(await held).toMatchObject({ _tag: 'Left' });
    expect(system.getSnapshot().pools).toEqual({ db: 'stopped', ok: 'stopped' });
    expect(clock.pending()).toBe(0);
  });

  it('bounds the close by timeoutMs, and a later abort applies', async () => {
    const clock = createVirtualClock();
    const never = { worker: () => new Promise<number>(() => {}) };
    const system = createSystem({ pools: { stuck: never, other: never }, clock });
    const started = system.start();
    await clock.flush();
    await started;
    const task = system.pool('stuck').submit(1);
    const closed = system.close({ timeoutMs: 1_000 });
    await clock.advance(1_000);
    await closed;
    expect(await task).toMatchObject({ left: { _tag: 'TaskCancelled' } });

    const again = createSystem({ pools: { stuck: never }, clock });
    const running = again.start();
    await clock.flush();
    await running;
    const stuck = again.pool('stuck').submit(1);
    const draining = again.close();
    await clock.advance(10_000);
    expect(again.getSnapshot().state).toBe('closing');
    expect(again.close({ abort: true })).toBe(draining);
    await draining;
    expect(await stuck).toMatchObject({ left: { _tag: 'TaskCancelled' } });
  });

  it('tags health transitions of balancer members with both names', async () => {
    const clock = createVirtualClock();
    const system = createSystem({
      pools: {
        good: { worker: async (n: number) => n },
        bad: { worker: async (): Promise<number> => Promise.reject(new Error('no')) },
      },
      balancers: {
        api: {
          pools: ['good', 'bad'],
          strategy: 'round-robin',
          health: { windowMs: 1_000, minSamples: 4, maxErrorRate: 0.5 },
        },
      },
      clock,
    });
    const transitions = firstValueFrom(system.health$.pipe(take(1)));
    const started = system.start();
    await clock.flush();
    await started;
    for (let round = 0; round < 3; round++) {
      await Promise.all(Array.from({ length: 8 }, (_, i) => system.pool('bad').submit(i)));
      await clock.advance(1_000);
    }
    expect(await transitions).toMatchObject({
      balancer: 'api',
      member: 'bad',
      from: 'healthy',
      to: 'degraded',
    });
    await system.close();
  });
});
