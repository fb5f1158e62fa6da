import { firstValueFrom, filter, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  createPool,
  createVirtualClock,
  fromAsync,
  isErr,
  PoolFailedError,
  PoolStateError,
  type PoolEvent,
  type PoolState,
  type TaskResult,
} from '@troupe/core';

const tagOf = (r: TaskResult<unknown>): string => (isErr(r) ? r.left._tag : 'ok');
const never = () => new Promise<never>(() => undefined);

/** Advances the virtual clock step by step until `promise` settles (bounded). */
async function settleWith<T>(
  clock: ReturnType<typeof createVirtualClock>,
  promise: Promise<T>,
  stepMs = 10,
  maxSteps = 1_000,
): Promise<T> {
  let done = false;
  void promise.finally(() => (done = true)).catch(() => undefined);
  for (let i = 0; i < maxSteps && !done; i++) await clock.advance(stepMs);
  if (!done) throw new Error('promise did not settle in virtual time');
  return promise;
}

describe('lifecycle', () => {
  it('goes stopped → starting → running → closing → stopped, visible on state$', async () => {
    const pool = createPool({ worker: async (n: number) => n, size: 2 });
    const states = firstValueFrom(pool.state$.pipe(take(5), toArray()));
    pool.start();
    await firstValueFrom(pool.state$.pipe(filter((s) => s === 'running')));
    await pool.close();
    expect(await states).toEqual<PoolState[]>([
      'stopped',
      'starting',
      'running',
      'closing',
      'stopped',
    ]);
  });

  it('start() while running is a no-op; after close() it throws PoolStateError (close is final)', async () => {
    const pool = createPool({ worker: async (n: number) => n + 1 }).start();
    expect(pool.start()).toBe(pool);
    expect(await pool.run(1)).toBe(2);
    await pool.close();
    expect(() => pool.start()).toThrow(PoolStateError);
    expect(() => pool.start()).toThrow(/closed, and close\(\) is final/);
    expect(pool.getSnapshot().state).toBe('stopped');
    // A new pool does what a second start would have done.
    const again = createPool({ worker: async (n: number) => n + 1 }).start();
    expect(await again.run(2)).toBe(3);
    await again.close();
  });

  it('start() while closing throws PoolStateError; resize() while stopped rejects with it', async () => {
    const clock = createVirtualClock();
    const pool = createPool({ worker: async () => never(), clock }).start();
    void pool.submit(undefined);
    const closing = pool.close({ timeoutMs: 100 });
    expect(() => pool.start()).toThrow(PoolStateError);
    await settleWith(clock, closing);
    await expect(pool.resize(2)).rejects.toBeInstanceOf(PoolStateError);
  });

  it('close() drains queued and running tasks and refuses new ones meanwhile', async () => {
    const clock = createVirtualClock();
    const pool = createPool({
      worker: (n: number) =>
        new Promise<number>((resolve) => clock.setTimeout(() => resolve(n), 10)),
      clock,
    }).start();
    const ps = [1, 2, 3].map((n) => pool.submit(n));
    const closed = pool.close();
    expect(tagOf(await pool.submit(4))).toBe('TaskRejected');
    await settleWith(clock, closed);
    expect((await Promise.all(ps)).map(tagOf)).toEqual(['ok', 'ok', 'ok']);
  });

  it('close() twice returns the same promise; a later abort escalates it', async () => {
    const pool = createPool({
      worker: async (_: number, ctx) =>
        new Promise((_r, reject) =>
          ctx.signal.addEventListener('abort', () => reject(new Error('stopped'))),
        ),
    }).start();
    const task = pool.submit(1);
    const first = pool.close();
    expect(pool.close()).toBe(first);
    expect(pool.close({ abort: true })).toBe(first);
    await first;
    const r = await task;
    expect(isErr(r) && r.left).toMatchObject({ _tag: 'TaskCancelled' });
    expect(pool.getSnapshot().state).toBe('stopped');
  });

  it('close({ abort: true }) cancels queued and running tasks', async () => {
    const pool = createPool({ worker: async () => never(), size: 1 }).start();
    const ps = [1, 2, 3].map(() => pool.submit(undefined));
    await new Promise((resolve) => setImmediate(resolve));
    await pool.close({ abort: true });
    expect((await Promise.all(ps)).map(tagOf)).toEqual([
      'TaskCancelled',
      'TaskCancelled',
      'TaskCancelled',
    ]);
    expect(pool.getSnapshot().metrics).toMatchObject({ cancelled: 3, queued: 0, active: 0 });
  });

  it('close({ timeoutMs }) drains, then cancels what is left and abandons a hung teardown', async () => {
    const clock = createVirtualClock();
    const pool = createPool({
      worker: fromAsync({ run: async () => never(), teardown: () => never() }),
      clock,
    }).start();
    await clock.flush();
    const task = pool.submit(undefined);
    const closed = pool.close({ timeoutMs: 500 });
    await clock.advance(499);
    expect(pool.getSnapshot().state).toBe('closing');
    await clock.advance(1);
    await closed;
    expect(tagOf(await task)).toBe('TaskCancelled');
    expect(pool.getSnapshot().state).toBe('stopped');
  });

  it('close() on a pool never started resolves at once', async () => {
    await expect(createPool({ worker: async () => 1 }).close()).resolves.toBeUndefined();
  });
});

describe('resize and onIdle', () => {
  it('grows and shrinks; busy workers stop after their task', async () => {
    const clock = createVirtualClock();
    const pool = createPool({
      worker: (n: number) =>
        new Promise<number>((resolve) => clock.setTimeout(() => resolve(n), 100)),
      size: 2,
      clock,
    }).start();
    await settleWith(clock, pool.resize(4));
    expect(pool.getSnapshot().workers.filter((w) => w.state === 'idle')).toHaveLength(4);
    const ps = [1, 2, 3, 4].map((n) => pool.submit(n));
    await clock.flush();
    const shrinking = pool.resize(1);
    await clock.advance(50);
    expect(pool.getSnapshot().metrics.active).toBe(4); // nobody is pre-empted
    await settleWith(clock, shrinking);
    expect((await Promise.all(ps)).map(tagOf)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(pool.getSnapshot().workers).toHaveLength(1);
    expect(pool.getSnapshot().size).toBe(1);
    await pool.close();
  });

  it('onIdle resolves once queued and running tasks are done', async () => {
    const clock = createVirtualClock();
    const pool = createPool({
      worker: () => new Promise<void>((resolve) => clock.setTimeout(resolve, 10)),
      clock,
    }).start();
    for (let i = 0; i < 5; i++) void pool.submit(undefined);
    let idle = false;
    void pool.onIdle().then(() => (idle = true));
    await clock.advance(40);
    expect(idle).toBe(false);
    await clock.advance(10);
    expect(idle).toBe(true);
    await pool.close();
  });
});

describe('restart limit', () => {
  it('a setup that always throws: 5 restarts, then failed; queued tasks get pool-failed', async () => {
    let setups = 0;
    const pool = createPool({
      worker: fromAsync({
        setup: async () => {
          setups++;
          throw new Error('cannot connect');
        },
        run: async (n: number) => n,
      }),
      supervision: { backoff: { minMs: 0, maxMs: 0 } }, // restart at once: no real waiting
    });
    const events: PoolEvent[] = [];
    pool.events$.subscribe((e) => events.push(e));
    pool.start();
    const queued = pool.submit(1);
    await firstValueFrom(pool.state$.pipe(filter((s) => s === 'failed')));
    expect(setups).toBe(6);
    const r = await queued;
    expect(isErr(r) && r.left).toMatchObject({ _tag: 'TaskRejected', reason: 'pool-failed' });
    const later = await pool.submit(2);
    expect(tagOf(later)).toBe('TaskRejected');
    const failure = pool.getSnapshot().failure;
    expect(failure).toBeInstanceOf(PoolFailedError);
    // Both refusals say what made the pool refuse: its failure.
    expect(isErr(r) && r.left.cause).toBe(failure);
    expect(isErr(later) && later.left.cause).toBe(failure);
    expect(failure?.message).toMatch(/cannot connect/);
    expect(events.filter((e) => e.type === 'worker.crashed')).toHaveLength(6);
    await pool.close();
    expect(pool.getSnapshot().state).toBe('stopped');
  });
});

describe('streams', () => {
  it('metrics$ emits on subscribe and every intervalMs of the injected clock', async () => {
    const clock = createVirtualClock();
    const pool = createPool({
      worker: async (n: number) => n,
      clock,
      metrics: { intervalMs: 100 },
    }).start();
    const seen: number[] = [];
    const sub = pool.metrics$.subscribe((m) => seen.push(m.at));
    await pool.run(1);
    await clock.advance(250);
    sub.unsubscribe();
    await clock.advance(1_000);
    expect(seen).toEqual([0, 100, 200]);
    await pool.close();
  });

  it('an idle running pool keeps no timer and no supervisor; a metrics$ subscriber has one timer while subscribed', async () => {
    const clock = createVirtualClock();
    const pool = createPool({ worker: async (n: number) => n, size: 2, clock }).start();
    expect(await pool.run(1)).toBe(1);
    expect(pool.getSnapshot().state).toBe('running');
    // Many small pools cost what they hold: no interval per pool, no supervisor before a crash.
    expect(clock.pending()).toBe(0);
    expect(pool.actor.getSnapshot().children).toEqual({});
    const sub = pool.metrics$.subscribe(() => undefined);
    expect(clock.pending()).toBe(1);
    sub.unsubscribe();
    expect(clock.pending()).toBe(0);
    await pool.close();
  });

  it('results$ carries one outcome per task; events$ reports worker starts', async () => {
    const pool = createPool({ worker: async (n: number) => n, size: 2 });
    const events: PoolEvent[] = [];
    pool.events$.subscribe((e) => events.push(e));
    const outcomes: number[] = [];
    pool.results$.subscribe((o) => outcomes.push(o.taskId));
    pool.start();
    await Promise.all([1, 2, 3].map((n) => pool.submit(n)));
    expect(outcomes.sort()).toEqual([1, 2, 3]);
    expect(events.filter((e) => e.type === 'worker.started')).toHaveLength(2);
    await pool.close();
  });

  it('events$ starts with the current state: subscribed after start(), nothing of the start is lost', async () => {
    const pool = createPool({ worker: async (n: number) => n, size: 2 }).start();
    const events: PoolEvent[] = [];
    pool.events$.subscribe((e) => events.push(e));
    await firstValueFrom(pool.state$.pipe(filter((s) => s === 'running')));
    expect(events.map((e) => (e.type === 'pool.state' ? e.state : e.type))).toEqual([
      'starting',
      'worker.started',
      'worker.started',
      'running',
    ]);
    const later: PoolEvent[] = [];
    pool.events$.subscribe((e) => later.push(e));
    expect(later).toEqual([{ type: 'pool.state', state: 'running' }]);
    await pool.close();
  });

  it('events$ subscribed before start() begins with stopped, and never repeats a state', async () => {
    const pool = createPool({ worker: async (n: number) => n });
    const states: PoolState[] = [];
    pool.events$.subscribe((e) => e.type === 'pool.state' && states.push(e.state));
    // Subscribed from a state$ callback, between a state change and its pool.state event.
    const joined: PoolState[] = [];
    pool.state$
      .pipe(
        filter((s) => s === 'running'),
        take(1),
      )
      .subscribe(() => {
        pool.events$.subscribe((e) => e.type === 'pool.state' && joined.push(e.state));
      });
    pool.start();
    await pool.run(1);
    await pool.close();
    expect(states).toEqual(['stopped', 'starting', 'running', 'closing', 'stopped']);
    expect(joined).toEqual(['starting', 'running', 'closing', 'stopped']);
  });

  it('passes the inspect observer to the pool actor and every worker actor', async () => {
    const actors = new Set<string>();
    const pool = createPool({
      worker: async (n: number) => n,
      size: 2,
      name: 'seen',
      inspect: (event) => {
        if (event.type === '@xstate.actor')
          actors.add((event.actorRef as unknown as { id: string }).id);
      },
    }).start();
    await pool.run(1);
    expect([...actors]).toEqual(expect.arrayContaining(['seen', 'seen-w1', 'seen-w2']));
    await pool.close();
  });

  it('pool.actor is read-only: snapshots and a subscription, no way to send it events', async () => {
    const pool = createPool({ worker: async (n: number) => n, size: 2, name: 'viewed' });
    const { actor } = pool;
    expect(actor.id).toBe('viewed');
    expect(typeof actor.sessionId).toBe('string');
    expect(Object.keys(actor).sort()).toEqual(['getSnapshot', 'id', 'sessionId', 'subscribe']);
    expect('send' in actor).toBe(false);
    expect('system' in actor).toBe(false);
    expect(Object.isFrozen(actor)).toBe(true);
    const seen: string[] = [];
    const subscription = actor.subscribe((snapshot) => seen.push(JSON.stringify(snapshot.value)));
    pool.start();
    await pool.run(1);
    expect(actor.getSnapshot().value).toBe('running');
    expect(actor.getSnapshot().context.size).toBe(2);
    await pool.close();
    subscription.unsubscribe();
    expect(seen).toContain('"running"');
    expect(seen.at(-1)).toBe('"stopped"');
  });
});

describe('close while workers keep crashing', () => {
  it('replaces crashed workers while draining, and gives up at the restart limit instead of hanging', async () => {
    const pool = createPool({
      worker: fromAsync({
        setup: async () => {
          throw new Error('no database');
        },
        run: async (n: number) => n,
      }),
      supervision: { backoff: { minMs: 0, maxMs: 0 } }, // restart at once: no real waiting
    }).start();
    const queued = pool.submit(1);
    await pool.close();
    const r = await queued;
    expect(isErr(r) && r.left).toMatchObject({ _tag: 'TaskRejected', reason: 'pool-failed' });
    expect(pool.getSnapshot().state).toBe('stopped');
    expect(pool.getSnapshot().metrics.crashes).toBe(6);
  });
});

describe('edges found in review', () => {
  it('close({ timeoutMs }) still starts the teardown of idle workers', async () => {
    const clock = createVirtualClock();
    const torn: string[] = [];
    const pool = createPool({
      worker: fromAsync({
        run: async () => never(),
        teardown: (_r, { workerId }) => void torn.push(workerId),
      }),
      size: 2,
      clock,
    }).start();
    await clock.flush();
    void pool.submit(undefined); // one busy worker, one idle
    const closed = pool.close({ timeoutMs: 100 });
    await clock.advance(100);
    await closed;
    expect(torn.sort()).toEqual(['pool-w1', 'pool-w2']);
  });

  it('a resize overtaken by another settles when the latest size is reached', async () => {
    const pool = createPool({ worker: async (n: number) => n, size: 1 }).start();
    const first = pool.resize(3);
    const second = pool.resize(2);
    await Promise.all([first, second]);
    expect(pool.getSnapshot().workers.filter((w) => w.state === 'idle')).toHaveLength(2);
    await pool.close();
  });

  it('every metrics$ subscriber gets a snapshot on subscribe', async () => {
    const clock = createVirtualClock();
    const pool = createPool({ worker: async (n: number) => n, clock }).start();
    const a: number[] = [];
    const b: number[] = [];
    const subA = pool.metrics$.subscribe((m) => a.push(m.at));
    await clock.advance(10);
    const subB = pool.metrics$.subscribe((m) => b.push(m.at));
    expect([a, b]).toEqual([[0], [10]]);
    subA.unsubscribe();
    subB.unsubscribe();
    await pool.close();
  });

  it('close({ timeoutMs: Infinity }) drains without a deadline', async () => {
    const clock = createVirtualClock();
    const pool = createPool({
      worker: (n: number) =>
        new Promise<number>((resolve) => clock.setTimeout(() => resolve(n), 5_000)),
      clock,
    }).start();
    const task = pool.submit(1);
    const closed = pool.close({ timeoutMs: Infinity });
    await clock.advance(4_999);
    expect(pool.getSnapshot().state).toBe('closing');
    await clock.advance(1);
    await closed;
    expect(tagOf(await task)).toBe('ok');
  });

  it('unknown options are refused, so a typo does not pass silently', () => {
    expect(() => createPool({ worker: async () => 1, timeout: 5 } as never)).toThrow(/timeout/);
  });
});

describe('getSnapshot().workers', () => {
  it("shows each worker's actor state, current as soon as a task starts or ends", async () => {
    const clock = createVirtualClock();
    const pool = createPool({
      worker: (n: number) =>
        new Promise<number>((resolve) => clock.setTimeout(() => resolve(n), 100)),
      size: 2,
      clock,
    }).start();
    await clock.flush();
    const states = () => pool.getSnapshot().workers.map((w) => w.state);
    expect(states()).toEqual(['idle', 'idle']);
    const done = pool.submit(1);
    // Told before the actor hears of it at the end of the current task: no lagging copy.
    expect(states().filter((s) => s === 'busy')).toHaveLength(1);
    expect(pool.actor.getSnapshot().value).toBe('running');
    await settleWith(clock, done);
    expect(states()).toEqual(['idle', 'idle']);
    await pool.close();
  });
});
