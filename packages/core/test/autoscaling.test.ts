/**
 * Dynamic size: growth on demand (at once), idle retirement (after idleTimeoutMs), the target
 * policy (on metrics ticks, at most once per cooldown), dry runs, and resize within bounds.
 */
import { describe, expect, it } from 'vitest';
import { settleWith as settle } from './support/virtual-time.js';
import {
  createPool,
  createVirtualClock,
  fromAsync,
  InvalidOptionError,
  isOk,
  PoolStateError,
  WorkerCrashedError,
  type DynamicSize,
  type MetricsOptions,
  type Pool,
  type PoolEvent,
  type PoolMetrics,
  type TaskResult,
  type VirtualClock,
  type WorkerSpec,
} from '@troupe/core';

type ScaleEvent = Extract<PoolEvent, { type: 'scale.up' | 'scale.down' }>;
type Sizing = ScaleEvent | Extract<PoolEvent, { type: 'pool.resized' }>;
type Log = { at: number; e: Sizing }[];

/** A worker whose task takes its input in ms of virtual time. */
const timed = (clock: VirtualClock) => (ms: number) =>
  new Promise<number>((resolve) => clock.setTimeout(() => resolve(ms), ms));

/** Like `timed`, but each worker's setup takes `setupMs` first. */
const slowStart = (setupMs: number) => (clock: VirtualClock) =>
  fromAsync({
    setup: () => new Promise<void>((resolve) => clock.setTimeout(resolve, setupMs)),
    run: timed(clock),
  });

/** A dynamic pool on a virtual clock (started), with its sizing events and when they came. */
function dynamic(
  size: DynamicSize,
  metrics: MetricsOptions = { intervalMs: 100 },
  worker: (clock: VirtualClock) => WorkerSpec<number, number, void> = timed,
) {
  const clock = createVirtualClock();
  const pool = createPool({ clock, size, metrics, worker: worker(clock) });
  const log: Log = [];
  pool.events$.subscribe((e) => {
    if (e.type === 'scale.up' || e.type === 'scale.down' || e.type === 'pool.resized')
      log.push({ at: clock.now(), e });
  });
  return { clock, pool: pool.start(), log };
}

const tasks = (n: number, ms: number) => Array<number>(n).fill(ms);
const sized = (pool: Pool<number, number>) => {
  const { size, metrics } = pool.getSnapshot();
  return [size, metrics.workers];
};
const scales = (log: Log) => log.flatMap(({ e }) => (e.type === 'pool.resized' ? [] : [e]));
/** Resizes by the target policy (utilisation or queue wait), with their times. */
const byTarget = (log: Log) =>
  log.filter(({ e }) => e.type !== 'pool.resized' && /^(utilisation|queue-wait)$/.test(e.because));
/** Gaps between consecutive entries' times. */
const gaps = (log: readonly { at: number }[]) => log.slice(1).map((x, i) => x.at - log[i]!.at);
const allOk = async (results: Promise<TaskResult<number>[]>) =>
  expect((await results).every(isOk)).toBe(true);

function expectConserved(m: PoolMetrics): void {
  const parts = [m.completed, m.failed, m.crashed, m.timedOut, m.cancelled, m.dropped];
  parts.push(m.waiting, m.queued, m.retrying, m.active);
  expect(parts.every((n) => n >= 0)).toBe(true);
  expect(parts.reduce((a, b) => a + b, 0)).toBe(m.submitted);
}

describe('dynamic size: demand and idle', () => {
  it('step load 0 → 10× capacity → 0: reaches max at once, loses nothing, returns to min after the idle timeout', async () => {
    const { clock, pool, log } = dynamic({ min: 1, max: 8, idleTimeoutMs: 1_000 });
    await clock.flush();
    expect(pool.getSnapshot().size).toBe(1);
    const all = pool.submitMany(tasks(80, 100));
    await clock.flush();
    expect(sized(pool)).toEqual([8, 8]);
    await clock.advance(1_000); // 80 tasks / 8 workers × 100 ms
    await allOk(all);
    expect(pool.getSnapshot().size).toBe(8);
    await clock.advance(1_000);
    expect(sized(pool)).toEqual([1, 1]);
    const events = scales(log);
    expect(events.filter((e) => e.type === 'scale.up' && e.because === 'demand')).toHaveLength(7);
    expect(events.filter((e) => e.type === 'scale.down' && e.because === 'idle')).toHaveLength(7);
    await pool.close();
    expect(clock.pending()).toBe(0);
  });

  it('step load with a utilisation target: max with no tick, nothing lost, back to min; target resizes a cooldown apart', async () => {
    const size = { min: 1, max: 8, idleTimeoutMs: 1_000, cooldownMs: 500 };
    const windowed = { intervalMs: 100, windowMs: 1_000 };
    const { clock, pool, log } = dynamic({ ...size, target: { utilisation: 0.7 } }, windowed);
    await clock.advance(550);
    const all = pool.submitMany(tasks(80, 100));
    await clock.flush(); // no time passes: growth does not wait for a metrics tick
    expect(sized(pool)).toEqual([8, 8]);
    const ups = log.flatMap(({ at, e }) => (e.type === 'scale.up' ? [[at, e.because]] : []));
    expect(ups).toEqual(Array(7).fill([550, 'demand']));
    for (let t = 0; t < 3_000; t += 50) {
      const { size: n, metrics } = pool.getSnapshot();
      expect(n >= 1 && n <= 8).toBe(true);
      expectConserved(metrics);
      await clock.advance(50);
    }
    await allOk(all);
    const { metrics } = pool.getSnapshot();
    expect([...sized(pool), metrics.completed, metrics.submitted]).toEqual([1, 1, 80, 80]);
    // The target policy acted, never twice within a cooldown; every scale event is a resize.
    expect(byTarget(log).length).toBeGreaterThan(0);
    for (const gap of gaps(byTarget(log))) expect(gap).toBeGreaterThanOrEqual(500);
    for (const [i, { e }] of log.entries()) {
      if (e.type === 'pool.resized') continue;
      expect(e.dryRun).toBe(false);
      expect(log[i - 1]?.e).toEqual({ type: 'pool.resized', from: e.from, to: e.to });
    }
    await pool.close();
    expect(clock.pending()).toBe(0);
  });

  it('counts workers on their way: a burst grows the pool to the backlog, not past it', async () => {
    const size = { min: 1, max: 8, idleTimeoutMs: Infinity };
    const { clock, pool } = dynamic(size, undefined, slowStart(500));
    await clock.advance(500);
    const first = pool.submitMany(tasks(3, 1_000)); // one runs, two wait: two workers start
    await clock.advance(100);
    expect(sized(pool)).toEqual([3, 1]);
    const second = pool.submitMany(tasks(1, 1_000)); // three wait, two on their way: one more
    await clock.flush();
    expect(pool.getSnapshot().size).toBe(4);
    await clock.advance(3_000);
    await allOk(first);
    await allOk(second);
    expect(sized(pool)).toEqual([4, 4]);
    await pool.close();
  });

  it('restarts the idle timer when a worker gets work: workers fed every < idleTimeoutMs never retire', async () => {
    const { clock, pool, log } = dynamic({ min: 1, max: 2, idleTimeoutMs: 1_000 });
    await clock.flush();
    const batches = [pool.submitMany(tasks(2, 100))];
    await clock.flush();
    expect(pool.getSnapshot().size).toBe(2);
    // Each worker runs 100 ms of every 1 000: idle 900 ms at a time, 10 s in all.
    for (let round = 1; round <= 10; round++) {
      await clock.advance(1_000);
      expect(pool.getSnapshot().size).toBe(2);
      batches.push(pool.submitMany(tasks(2, 100)));
    }
    await clock.advance(100);
    await allOk(Promise.all(batches).then((r) => r.flat()));
    expect(scales(log).filter((e) => e.type === 'scale.down')).toEqual([]);
    await clock.advance(1_000); // without work, the timer does retire the worker above min
    expect(sized(pool)).toEqual([1, 1]);
    expect(scales(log).filter((e) => e.because === 'idle')).toHaveLength(1);
    await pool.close();
  });
});

describe('dynamic size: target policy', () => {
  const base = { idleTimeoutMs: Infinity, cooldownMs: 500 } as const;
  const instant = { intervalMs: 100, windowMs: 100 };

  /** A pool resized to 8 while six tasks run, four of them ending 200 ms apart. */
  async function shrinking(cooldownMs: number) {
    const size = { ...base, min: 2, max: 8, target: { utilisation: 0.5 }, cooldownMs };
    const { clock, pool, log } = dynamic(size, instant);
    await clock.flush();
    await pool.resize(8);
    const all = pool.submitMany([1_000, 1_200, 1_400, 1_600, 5_000, 5_000]);
    const sizes: number[] = [];
    for (let t = 0; t < 6_000; t += 100) {
      sizes.push(pool.getSnapshot().size);
      await clock.advance(100);
    }
    await allOk(all);
    await pool.close();
    return { log: byTarget(log), sizes };
  }

  it('utilisation: shrinks an over-provisioned pool in steps a cooldown apart, never below min', async () => {
    const { log, sizes } = await shrinking(500);
    expect(log.length).toBeGreaterThanOrEqual(2);
    expect(log.every(({ e }) => e.type === 'scale.down' && e.because === 'utilisation')).toBe(true);
    for (const gap of gaps(log)) expect(gap).toBeGreaterThanOrEqual(500);
    expect(Math.min(...sizes)).toBe(2);
    expect(sizes.at(-1)).toBe(2); // nothing busy at the end: min, not below
    // The same load with a short cooldown resizes sooner: the cooldown is what spaced them.
    const quick = await shrinking(1);
    expect(Math.min(...gaps(quick.log))).toBeLessThan(500);
  });

  it('the target policy decides within bounds resize({ min, max }) moved: the pool owns them, not the options', async () => {
    const size = { ...base, min: 2, max: 8, target: { utilisation: 0.5 } };
    const { clock, pool, log } = dynamic(size, instant);
    await clock.flush();
    await pool.resize({ max: 3 });
    const all = pool.submitMany(tasks(2, 5_000)); // both workers busy: the target wants 4
    await clock.advance(100);
    expect(scales(log)).toMatchObject([
      { type: 'scale.up', from: 2, to: 3, because: 'utilisation' },
    ]);
    await clock.advance(3_000);
    expect(sized(pool)[0]).toBe(3); // not the 8 the options said
    expect(pool.getSnapshot().bounds).toEqual({ min: 2, max: 3 });
    await clock.advance(2_000);
    await allOk(all);
    await pool.close();
  });

  it('utilisation: grows a saturated pool on a tick, then holds within ±10% of the target', async () => {
    const size = { ...base, min: 2, max: 8, target: { utilisation: 0.5 } };
    const { clock, pool, log } = dynamic(size, instant);
    await clock.flush();
    const all = pool.submitMany(tasks(2, 5_000)); // both workers busy, nothing queued
    await clock.advance(100);
    expect(scales(log)).toMatchObject([
      { type: 'scale.up', from: 2, to: 4, because: 'utilisation', dryRun: false },
    ]);
    await clock.advance(3_000); // utilisation 2/4: the target
    expect(scales(log)).toHaveLength(1);
    expect(sized(pool)).toEqual([4, 4]);
    await clock.advance(2_000);
    await allOk(all);
    await pool.close();
  });

  it('utilisation: no change within ±10% of the target, a change just outside it', async () => {
    async function sizeAfter(utilisation: number) {
      const size = { ...base, min: 4, max: 8, target: { utilisation } };
      const { clock, pool } = dynamic(size, instant);
      await clock.flush();
      const all = pool.submitMany(tasks(2, 3_000)); // utilisation 0.5
      await clock.advance(2_000);
      const n = pool.getSnapshot().size;
      await clock.advance(1_000);
      await allOk(all);
      await pool.close();
      return n;
    }
    expect(await sizeAfter(0.55)).toBe(4); // |0.5 − 0.55| ≤ 0.055
    expect(await sizeAfter(0.46)).toBe(4); // |0.5 − 0.46| ≤ 0.046
    expect(await sizeAfter(0.45)).toBe(5); // |0.5 − 0.45| > 0.045: ceil(4 × 0.5 / 0.45)
  });

  it('queueWaitP99Ms: grows when waits exceed the target (at most doubling), then sheds a worker a cooldown', async () => {
    async function run(queueWaitP99Ms: number) {
      const size = { ...base, min: 1, max: 16, target: { queueWaitP99Ms } };
      // A task that waits for a new worker waits out its 500 ms setup.
      const { clock, pool, log } = dynamic(size, undefined, slowStart(500));
      await clock.advance(500);
      const all = pool.submitMany(tasks(4, 2_000));
      await clock.advance(700); // they started at 1 000, after waiting 500 ms
      const n = pool.getSnapshot().size;
      await clock.advance(6_300);
      await allOk(all);
      const end = pool.getSnapshot().size;
      await pool.close();
      return { log: byTarget(log), size: n, end };
    }
    const over = await run(100);
    expect(over.size).toBe(8); // demand took it to 4; the wait (500 > 100) doubled it
    const first = over.log[0]?.e as ScaleEvent;
    expect(first).toMatchObject({ type: 'scale.up', from: 4, to: 8, because: 'queue-wait' });
    expect(first.detail).toMatch(/p99 \d/);
    const downs = over.log.slice(1).map(({ e }) => e as ScaleEvent);
    expect(downs.every((e) => e.type === 'scale.down' && e.to === e.from - 1)).toBe(true);
    for (const gap of gaps(over.log)) expect(gap).toBeGreaterThanOrEqual(500);
    expect(over.end).toBe(1);
    const under = await run(1_000); // waits of 500 ms meet the target
    expect(under.log.filter(({ e }) => e.type === 'scale.up')).toEqual([]);
    expect(under.size).toBeLessThanOrEqual(4);
  });
});

describe('dynamic size: dry run', () => {
  it('keeps min workers and only reports decisions: demand on a burst, idle after it, a cooldown apart', async () => {
    const size = { min: 1, max: 8, idleTimeoutMs: 1_000, cooldownMs: 500, dryRun: true };
    const { clock, pool, log } = dynamic(size);
    await clock.flush();
    const all = pool.submitMany(tasks(20, 100));
    for (let t = 0; t < 4_000; t += 100) {
      expect(sized(pool)).toEqual([1, 1]);
      await clock.advance(100);
    }
    await allOk(all);
    expect(log.some(({ e }) => e.type === 'pool.resized')).toBe(false);
    const decisions = scales(log);
    expect(decisions.every((e) => e.dryRun)).toBe(true);
    expect(decisions[0]).toMatchObject({ type: 'scale.up', because: 'demand', from: 1, to: 8 });
    expect(decisions.find((e) => e.because === 'idle')).toMatchObject({ type: 'scale.down' });
    for (const gap of gaps(log)) expect(gap).toBeGreaterThanOrEqual(500);
    await pool.close();
    expect(clock.pending()).toBe(0);
  });
});

describe('dynamic size: resize', () => {
  it('resize(n) within bounds, throws outside them; resize({ min, max }) moves the bounds and the size', async () => {
    const clock = createVirtualClock();
    const stopped = createPool({ clock, size: { min: 2, max: 6 }, worker: timed(clock) });
    await expect(stopped.resize(3)).rejects.toThrow(PoolStateError);
    const { pool, log } = dynamic({ min: 2, max: 6, idleTimeoutMs: Infinity });
    for (const n of [1, 7, 0, 2.5]) {
      expect(() => pool.resize(n)).toThrow(InvalidOptionError);
      expect(() => pool.resize(n)).toThrow('`size`');
    }
    await pool.resize(5);
    expect(sized(pool)).toEqual([5, 5]);
    await pool.resize({ max: 4 }); // the size moves down into the bounds
    expect(sized(pool)).toEqual([4, 4]);
    await pool.resize({ min: 1, max: 10 }); // already inside: stays
    expect(sized(pool)).toEqual([4, 4]);
    await pool.resize(9); // the new bounds apply
    await pool.resize({ min: 10 }); // the size moves up into the bounds
    expect(sized(pool)).toEqual([10, 10]);
    expect(() => pool.resize(9)).toThrow('`size`');
    expect(log.map(({ e }) => [e.type, e.from, e.to])).toEqual([
      ['pool.resized', 2, 5],
      ['pool.resized', 5, 4],
      ['pool.resized', 4, 9],
      ['pool.resized', 9, 10],
    ]);
    await pool.close();
  });

  it('rejects bad bounds naming resize.min or resize.max and leaves the bounds alone; a fixed pool takes no bounds', async () => {
    const { clock, pool } = dynamic({ min: 2, max: 6 });
    await clock.flush();
    const bad: [{ min?: number; max?: number }, string][] = [
      [{ min: -1 }, 'resize.min'],
      [{ min: 1.5 }, 'resize.min'],
      [{ max: 0 }, 'resize.max'],
      [{ max: Infinity }, 'resize.max'],
      [{ min: 7 }, 'resize.max'], // above the current max
      [{ min: 4, max: 3 }, 'resize.max'],
    ];
    for (const [bounds, option] of bad) {
      expect(() => pool.resize(bounds)).toThrow(InvalidOptionError);
      expect(() => pool.resize(bounds)).toThrow(`\`${option}\``);
    }
    expect(pool.getSnapshot().size).toBe(2);
    expect(() => pool.resize(1)).toThrow('`size`');
    expect(() => pool.resize(7)).toThrow('`size`');
    await pool.close();
    // A fixed pool takes a number only.
    const fixed = createPool({ clock, size: 2, worker: timed(clock) }).start();
    expect(() => fixed.resize({ min: 1, max: 4 })).toThrow(InvalidOptionError);
    expect(() => fixed.resize({ max: 4 })).toThrow('`size`');
    await fixed.resize(3);
    expect(fixed.getSnapshot().size).toBe(3);
    await fixed.close();
  });

  it('the idle rule retires down to a raised min, not below it', async () => {
    const { clock, pool } = dynamic({ min: 1, max: 6, idleTimeoutMs: 1_000 });
    await pool.resize(6);
    await pool.resize({ min: 3 });
    expect(pool.getSnapshot().size).toBe(6);
    await clock.advance(5_000);
    expect(sized(pool)).toEqual([3, 3]);
    await pool.close();
  });
});

describe('dynamic size: close', () => {
  it('leaves no timer behind: idle timers, metrics ticks, a cooldown in progress', async () => {
    const target = { utilisation: 0.5 };
    const size = { min: 2, max: 8, idleTimeoutMs: 1_000, target, cooldownMs: 5_000 };
    const { clock, pool, log } = dynamic(size, { intervalMs: 100, windowMs: 100 });
    await clock.flush();
    const all = pool.submitMany(tasks(2, 300));
    await clock.advance(150); // scaled up by utilisation: cooling down until 5 100
    expect(scales(log).at(-1)).toMatchObject({ because: 'utilisation' });
    let closed = false;
    void pool.close().then(() => (closed = true));
    await clock.advance(300);
    expect(closed).toBe(true);
    await allOk(all);
    expect(clock.pending()).toBe(0);
  });

  it('closes while the pool is scaling up: the backlog drains on the new workers, then all stop', async () => {
    const size = { min: 1, max: 4, target: { queueWaitP99Ms: 50 } };
    const { clock, pool } = dynamic(size, undefined, slowStart(500));
    await clock.advance(500);
    const all = pool.submitMany(tasks(8, 200));
    await clock.flush();
    expect(sized(pool)).toEqual([4, 1]); // three still starting
    let closed = false;
    void pool.close().then(() => (closed = true));
    await clock.advance(1_000);
    expect(closed).toBe(true);
    expect(pool.getSnapshot().state).toBe('stopped');
    await allOk(all);
    expect(clock.pending()).toBe(0);
  });
});

describe('dynamic size: options', () => {
  it('rejects bad sizes naming the field', () => {
    const worker = (n: number) => n;
    const bad: [unknown, string][] = [
      [{ min: -1, max: 4 }, 'size.min'],
      [{ min: 2, max: 1 }, 'size.max'],
      [{ min: 1, max: 4, idleTimeoutMs: 0 }, 'size.idleTimeoutMs'],
      [{ min: 1, max: 4, cooldownMs: -1 }, 'size.cooldownMs'],
      [{ min: 1, max: 4, target: { utilisation: 1.5 } }, 'size.target.utilisation'],
      [{ min: 1, max: 4, target: { queueWaitP99Ms: 0 } }, 'size.target.queueWaitP99Ms'],
      [{ min: 1, max: 4, target: { speed: 1 } }, 'size.target'],
      [{ min: 1, max: 4, dryRun: 'yes' }, 'size.dryRun'],
      [{ min: 1, max: 4, maxx: 5 }, 'size.maxx'],
    ];
    for (const [size, option] of bad) {
      const make = () => createPool({ worker, size: size as { min: number; max: number } });
      expect(make).toThrow(InvalidOptionError);
      expect(make).toThrow(`\`${option}\``);
    }
  });
});

describe('dynamic size: scaling to zero (min 0)', () => {
  it('starts with no worker and running; work starts one at once; idle, it goes back to none', async () => {
    const { clock, pool, log } = dynamic({ min: 0, max: 2, idleTimeoutMs: 1_000 });
    await clock.flush();
    expect(pool.getSnapshot().state).toBe('running');
    expect(sized(pool)).toEqual([0, 0]);
    expect(pool.getSnapshot().metrics.utilisation).toBe(0);

    const results = pool.submitMany(tasks(3, 100));
    await clock.flush();
    expect(sized(pool)).toEqual([2, 2]); // up to max at once: three tasks wait
    const done = await settle(clock, results);
    expect(done.every(isOk)).toBe(true);

    await clock.advance(1_000);
    expect(sized(pool)).toEqual([0, 0]);
    expect(scales(log).map((e) => [e.type, e.to])).toEqual([
      ['scale.up', 1],
      ['scale.up', 2],
      ['scale.down', 1],
      ['scale.down', 0],
    ]);
    // And again from zero.
    const again = pool.submit(5);
    await clock.flush();
    expect(sized(pool)).toEqual([1, 1]);
    expect(isOk(await settle(clock, again))).toBe(true);
    await settle(clock, pool.close());
    expect(pool.getSnapshot().state).toBe('stopped');
    expect(clock.pending()).toBe(0);
  });

  it('resize({ min: 0 }) and resize(0) let a dynamic pool give up every worker', async () => {
    const { clock, pool } = dynamic({ min: 2, max: 4, idleTimeoutMs: 500 });
    await clock.flush();
    expect(sized(pool)).toEqual([2, 2]);
    await pool.resize({ min: 0 });
    await clock.advance(500);
    expect(sized(pool)).toEqual([0, 0]);
    await pool.resize(1);
    await clock.flush();
    expect(sized(pool)).toEqual([1, 1]);
    await pool.resize(0);
    await clock.flush();
    expect(sized(pool)).toEqual([0, 0]);
    for (const bad of [-1, 0.5, 5]) {
      expect(() => pool.resize(bad)).toThrow('allowed: a whole number from 0 to 4');
    }
    await settle(clock, pool.close());
  });

  it("with restart 'temporary', losing its last worker leaves it running with none, not failed", async () => {
    const clock = createVirtualClock();
    const pool = createPool({
      clock,
      size: { min: 0, max: 1 },
      supervision: { restart: 'temporary' },
      worker: (n: number) => {
        if (n < 0) throw new WorkerCrashedError('the worker broke');
        return n;
      },
    }).start();
    await clock.flush();
    expect(isOk(await settle(clock, pool.submit(-1)))).toBe(false);
    await clock.flush();
    expect(pool.getSnapshot().state).toBe('running');
    expect(sized(pool)).toEqual([0, 0]);
    expect(await settle(clock, pool.run(3))).toBe(3);
    expect(sized(pool)).toEqual([1, 1]);
    await settle(clock, pool.close());
  });

  it('refuses min 0 with dryRun (a dry run starts no worker itself), and 0 for a fixed pool', async () => {
    const worker = (n: number) => n;
    const zeroDry = () => createPool({ worker, size: { min: 0, max: 2, dryRun: true } });
    expect(zeroDry).toThrow(InvalidOptionError);
    expect(zeroDry).toThrow('`size.min`');
    const { clock, pool } = dynamic({ min: 1, max: 2, dryRun: true });
    await clock.flush();
    expect(() => pool.resize({ min: 0 })).toThrow('`resize.min`');
    expect(() => createPool({ worker, size: 0 })).toThrow('`size`');
    await settle(clock, pool.close());
  });
});

describe('dynamic size: shrinking with busy workers, lowering min', () => {
  it('never runs more than max workers while a shrunk busy worker finishes its task', async () => {
    const clock = createVirtualClock();
    let running = 0;
    let most = 0;
    const pool = createPool({
      clock,
      size: { min: 1, max: 2, idleTimeoutMs: Infinity },
      worker: async (ms: number) => {
        most = Math.max(most, ++running);
        await new Promise<void>((resolve) => clock.setTimeout(resolve, ms));
        running--;
        return ms;
      },
    }).start();
    await clock.flush();
    await pool.resize(2);
    const first = [pool.submit(1_000), pool.submit(1_000)];
    await clock.flush();
    void pool.resize(1);
    await clock.flush();
    const second = [pool.submit(10), pool.submit(10)];
    for (let t = 0; t < 3_000; t += 50) {
      await clock.advance(50);
      expect(pool.getSnapshot().metrics.workers).toBeLessThanOrEqual(2);
    }
    expect((await Promise.all([...first, ...second])).every(isOk)).toBe(true);
    expect(most).toBeLessThanOrEqual(2);
    await pool.close();
  });

  it('lowering min retires workers that have been idle past their timeout', async () => {
    const clock = createVirtualClock();
    const pool = createPool({
      clock,
      size: { min: 3, max: 6, idleTimeoutMs: 1_000 },
      worker: (n: number) => n,
    }).start();
    await clock.flush();
    await pool.run(1);
    await clock.advance(2_000);
    expect(pool.getSnapshot().size).toBe(3);
    await pool.resize({ min: 1 });
    await clock.flush();
    expect(pool.getSnapshot().size).toBe(1);
    await pool.close();
  });
});
