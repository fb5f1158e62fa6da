/**
 * A balancer with `health` on, over real pools on the virtual clock: a member whose worker starts
 * failing is judged window by window, gets no task while unhealthy, a trickle of probe tasks
 * while probing, and a rising share of traffic once it recovers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  createBalancer,
  createPool,
  createVirtualClock,
  isErr,
  type Balancer,
  type MemberHealthTransition,
  type VirtualClock,
} from '@troupe/core';

type Mode = 'ok' | 'fail' | 'slow';

/** A seeded generator of numbers in [0, 1) (an LCG: enough for a fair draw in a test). */
function seeded(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const THRESHOLDS = {
  windowMs: 5_000,
  minSamples: 5,
  maxErrorRate: 0.2,
  probeEveryMs: 2_000,
  probeTasks: 2,
  slowStartMs: 4_000,
};

/** A started pool whose worker counts its calls and fails, is slow (500 ms) or answers, by `mode`. */
function member(name: string, clock: VirtualClock) {
  const state = { mode: 'ok' as Mode, calls: 0 };
  const pool = createPool({
    name,
    size: 2,
    clock,
    worker: async (n: number) => {
      state.calls++;
      if (state.mode === 'fail') throw new Error(`${name}: backend down`);
      if (state.mode === 'slow') await new Promise<void>((r) => clock.setTimeout(r, 500));
      return n;
    },
  }).start();
  return { pool, state };
}

async function setup(options: { capacity?: number } = {}) {
  const clock = createVirtualClock();
  const a = member('apiA', clock);
  const b = member('apiB', clock);
  await clock.flush();
  const balancer = createBalancer({
    name: 'api',
    pools: [a.pool, b.pool],
    strategy: 'round-robin',
    health: THRESHOLDS,
    intervalMs: 1_000,
    clock,
    random: seeded(7),
    ...options,
  });
  const transitions: MemberHealthTransition[] = [];
  balancer.health$.subscribe((t) => void transitions.push(t));
  cleanups.push(async () => {
    await balancer.close({ abort: true });
    await Promise.all([a.pool.close({ abort: true }), b.pool.close({ abort: true })]);
  });
  /** Submits `n` tasks, then lets `ms` of virtual time pass. */
  const traffic = async (n: number, ms = 1_000) => {
    for (let i = 0; i < n; i++) void balancer.submit(i);
    await clock.advance(ms);
  };
  return { clock, a, b, balancer, transitions, traffic };
}

const healthOf = (balancer: Balancer<number, number>, name: string) =>
  balancer.getSnapshot().members.find((m) => m.name === name);

describe('balancer health', () => {
  it('one pool made to fail is marked unhealthy within two windows and gets no task afterwards until probing succeeds', async () => {
    const { clock, a, b, balancer, transitions, traffic } = await setup();
    // The balancer samples its members every second from 1 s on: windows end at 6 s, 11 s, 16 s…
    for (let s = 0; s < 6; s++) await traffic(10);
    expect(transitions).toEqual([]);
    expect([a.state.calls, b.state.calls]).toEqual([30, 30]);

    // apiB fails from 6 s on: the window ending at 11 s is bad (degraded), the one ending at 16 s
    // too (unhealthy): two windows.
    b.state.mode = 'fail';
    const failedAt = clock.now();
    for (let s = 0; s < 10; s++) await traffic(10);
    expect(
      transitions.map(({ member, from, to, reason, at }) => [member, from, to, reason, at]),
    ).toEqual([
      ['apiB', 'healthy', 'degraded', 'error rate 1 > 0.2 over 5000 ms', 11_000],
      [
        'apiB',
        'degraded',
        'unhealthy',
        'error rate 1 > 0.2 over 5000 ms (2 bad windows in a row)',
        16_000,
      ],
    ]);
    const unhealthyAt = transitions[1]!.at;
    expect((unhealthyAt - failedAt) / THRESHOLDS.windowMs).toBeLessThanOrEqual(2);
    expect(healthOf(balancer, 'apiB')).toMatchObject({ health: 'unhealthy', available: false });
    expect(healthOf(balancer, 'apiA')).toMatchObject({ health: 'healthy', available: true });

    // Unhealthy for probeEveryMs: not one task reaches apiB; apiA takes them all.
    const callsWhenUnhealthy = b.state.calls;
    const aBefore = a.state.calls;
    await traffic(10);
    await traffic(10);
    expect(clock.now()).toBe(unhealthyAt + THRESHOLDS.probeEveryMs);
    expect(b.state.calls).toBe(callsWhenUnhealthy);
    expect(a.state.calls - aBefore).toBe(20);

    // Probing: apiB works again but slowly, so its probes stay out; of 20 tasks it gets 2.
    expect(transitions.at(-1)).toMatchObject({ from: 'unhealthy', to: 'probing' });
    b.state.mode = 'slow';
    await traffic(20, 0);
    expect(b.state.calls - callsWhenUnhealthy).toBe(THRESHOLDS.probeTasks);
    expect(healthOf(balancer, 'apiB')).toMatchObject({ health: 'probing', available: false });
    await clock.advance(500);
    expect(transitions.at(-1)).toMatchObject({
      member: 'apiB',
      from: 'probing',
      to: 'healthy',
      reason: '2 probe tasks succeeded; ramping traffic up over 4000 ms',
    });

    // Slow start: apiB's share of traffic rises step by step, then it is half of it again.
    b.state.mode = 'ok';
    const shares: number[] = [];
    for (let step = 0; step < 10; step++) {
      const before = b.state.calls;
      await traffic(200, 400);
      shares.push((b.state.calls - before) / 200);
    }
    expect(shares[0]).toBeLessThan(0.15);
    expect(shares.at(-1)).toBeGreaterThan(0.4);
    const halves = [shares.slice(0, 5), shares.slice(5)].map((s) => s.reduce((x, y) => x + y) / 5);
    expect(halves[1]).toBeGreaterThan(halves[0]! + 0.15);
    const before = b.state.calls;
    await traffic(100);
    expect(b.state.calls - before).toBe(50);
    expect(transitions).toHaveLength(4);
  });

  it('while no member admits, tasks wait in its queue and go as soon as one does; past capacity, the refusal says why', async () => {
    const { clock, a, b, balancer, transitions, traffic } = await setup({ capacity: 5 });
    a.state.mode = 'fail';
    b.state.mode = 'fail';
    for (let s = 0; s < 11; s++) await traffic(10);
    expect(transitions.filter((t) => t.to === 'unhealthy').map((t) => t.member)).toEqual([
      'apiA',
      'apiB',
    ]);
    await b.pool.close();
    const held = Array.from({ length: 5 }, (_, i) => balancer.submit(i));
    const refused = await balancer.submit(5);
    expect(isErr(refused) && refused.left).toMatchObject({
      _tag: 'TaskRejected',
      reason: 'queue-full',
      message:
        "no member of balancer 'api' is healthy: apiA is unhealthy (error rate 1 > 0.2 over 5000 ms (2 bad windows in a row)), apiB is closed; and its queue is full (capacity 5)",
    });
    expect(balancer.queueSize).toBe(5);
    // apiA recovers; at probing, its two probe slots take two held tasks at once.
    a.state.mode = 'ok';
    const calls = a.state.calls;
    await clock.advance(THRESHOLDS.probeEveryMs);
    expect(a.state.calls - calls).toBe(2);
    // Both probes succeed: healthy again, ramping up; the rest go as the share allows.
    await clock.advance(THRESHOLDS.slowStartMs);
    expect(await Promise.all(held)).toEqual(
      [0, 1, 2, 3, 4].map((right) => ({ _tag: 'Right', right })),
    );
  });

  it('isAvailable and health must both agree; a no from isAvailable takes no probe slot', async () => {
    const clock = createVirtualClock();
    const a = member('apiA', clock);
    const b = member('apiB', clock);
    await clock.flush();
    let bAvailable = false;
    const balancer = createBalancer({
      pools: [a.pool, b.pool],
      strategy: 'round-robin',
      health: THRESHOLDS,
      isAvailable: (m) => m.name !== 'apiB' || bAvailable,
      clock,
    });
    const traffic = async (n: number) => {
      for (let i = 0; i < n; i++) void balancer.submit(i);
      await clock.advance(1_000);
    };
    b.state.mode = 'fail';
    await traffic(10);
    expect(b.state.calls).toBe(0); // healthy, but isAvailable says no
    bAvailable = true;
    for (let s = 0; s < 11; s++) await traffic(10);
    expect(healthOf(balancer, 'apiB')?.health).toBe('unhealthy');
    bAvailable = false;
    b.state.mode = 'ok';
    await clock.advance(THRESHOLDS.probeEveryMs);
    expect(healthOf(balancer, 'apiB')?.health).toBe('probing');
    const calls = b.state.calls;
    await traffic(10); // round-robin chooses apiB for half of them: isAvailable says no
    expect(b.state.calls).toBe(calls);
    bAvailable = true;
    await traffic(10);
    expect(b.state.calls - calls).toBe(2); // both probe slots were still there
    await balancer.close();
    await Promise.all([a.pool.close(), b.pool.close()]);
  });

  it('close stops every watch: health$ completes, no timer is left; a member leaving stops its own', async () => {
    const clock = createVirtualClock();
    const a = createPool({ name: 'a', worker: async (n: number) => n, size: 1, clock }).start();
    const b = createPool({
      name: 'b',
      worker: async (): Promise<number> => {
        throw new Error('down');
      },
      size: 1,
      clock,
    }).start();
    await clock.flush();
    const balancer = createBalancer({
      pools: [a, b],
      strategy: 'round-robin',
      health: THRESHOLDS,
      clock,
    });
    const seen: MemberHealthTransition[] = [];
    let completed = false;
    balancer.health$.subscribe({ next: (t) => seen.push(t), complete: () => (completed = true) });
    for (let s = 0; s < 11; s++) {
      for (let i = 0; i < 10; i++) void balancer.submit(i);
      await clock.advance(1_000);
    }
    expect(seen.at(-1)).toMatchObject({ member: 'b', to: 'unhealthy' });
    // b's watch waits probeEveryMs to probe; b leaving stops it: no probing ever comes.
    await b.close();
    await clock.advance(2 * THRESHOLDS.probeEveryMs);
    expect(seen.at(-1)).toMatchObject({ member: 'b', to: 'unhealthy' });
    expect(balancer.getSnapshot().members.map((m) => [m.name, m.state])).toEqual([
      ['a', 'running'],
      ['b', 'stopped'],
    ]);
    await balancer.close();
    expect(completed).toBe(true);
    expect(clock.pending()).toBe(0);
    await a.close();
  });
});
