/**
 * The executor hooks `limitLanes` and `giveBack`: a worker with several lanes takes tasks only
 * on as many as its executor allows now, and gives back runs its resource has not started —
 * to the front of the queue, nothing counted, for any worker to take. On the virtual clock.
 */
import { describe, expect, it } from 'vitest';
import {
  createPool,
  createVirtualClock,
  InvalidOptionError,
  isOk,
  type WorkerLogic,
  type WorkerSetupContext,
} from '@troupe/core';
import { expectConserved } from './support/conservation.js';

/** A worker of `lanes` lanes whose runs end when the test says; records where each run started. */
function manual(lanes: number) {
  const setups = new Map<string, WorkerSetupContext>();
  const open = new Map<number, { workerId: string; end: (value: string) => void }>();
  const starts: [string, string, number][] = [];
  const logic: WorkerLogic<string, string, WorkerSetupContext> = {
    kind: 'test',
    concurrency: lanes,
    setup: (ctx) => {
      setups.set(ctx.workerId, ctx);
      return ctx;
    },
    run: (job, ctx) => {
      starts.push([job, ctx.workerId, ctx.attempt]);
      return new Promise<string>((resolve) => {
        open.set(ctx.taskId, { workerId: ctx.workerId, end: resolve });
      });
    },
  };
  /** Ends the run of task `taskId` with its job's name. */
  const end = (taskId: number, value = `done ${taskId}`) => {
    const run = open.get(taskId)!;
    open.delete(taskId);
    run.end(value);
  };
  const on = (workerId: string) => [...open].filter(([, r]) => r.workerId === workerId).length;
  return { logic, setups, open, starts, end, on };
}

describe('lane limit', () => {
  it('a lane over the limit gets no task; it gets one when the limit rises', async () => {
    const clock = createVirtualClock();
    const w = manual(3);
    const pool = createPool({ worker: w.logic, size: 1, clock }).start();
    await clock.flush();
    const setup = w.setups.get('pool-w1') ?? [...w.setups.values()][0]!;
    setup.limitLanes(1);
    const all = pool.submitMany(['a', 'b', 'c']);
    await clock.flush();
    expect(w.starts.map(([job]) => job)).toEqual(['a']);
    expect(pool.getSnapshot().metrics).toMatchObject({ active: 1, queued: 2 });
    setup.limitLanes(2);
    await clock.flush();
    expect(w.starts.map(([job]) => job)).toEqual(['a', 'b']);
    expect(pool.getSnapshot().metrics).toMatchObject({ active: 2, queued: 1 });
    // Lowered under the lanes running: they finish, but the next waits for a lane under the limit.
    setup.limitLanes(1);
    w.end(1);
    await clock.flush();
    expect(w.starts.map(([job]) => job)).toEqual(['a', 'b']);
    w.end(2);
    await clock.flush();
    expect(w.starts.map(([job]) => job)).toEqual(['a', 'b', 'c']);
    w.end(3);
    expect((await all).every(isOk)).toBe(true);
    await pool.close();
    expectConserved(pool.getSnapshot().metrics);
  });

  it('applies a limit set during setup when the worker is ready', async () => {
    const clock = createVirtualClock();
    const w = manual(4);
    const logic: WorkerLogic<string, string, WorkerSetupContext> = {
      ...w.logic,
      setup: (ctx) => {
        ctx.limitLanes(2);
        return w.logic.setup!(ctx);
      },
    };
    const pool = createPool({ worker: logic, size: 1, clock }).start();
    const all = pool.submitMany(['a', 'b', 'c', 'd']);
    await clock.flush();
    expect(w.starts).toHaveLength(2);
    for (let id = 1; id <= 4; id++) {
      w.end(id);
      await clock.flush();
    }
    expect((await all).every(isOk)).toBe(true);
    await pool.close();
  });

  it('refuses a limit that is not a whole number from 1 to concurrency', async () => {
    const clock = createVirtualClock();
    const w = manual(3);
    const pool = createPool({ worker: w.logic, size: 1, clock }).start();
    await clock.flush();
    const setup = [...w.setups.values()][0]!;
    for (const bad of [0, 4, 1.5, Number.NaN])
      expect(() => setup.limitLanes(bad)).toThrow(InvalidOptionError);
    expect(() => setup.limitLanes(3)).not.toThrow();
    await pool.close();
  });
});

describe('give back', () => {
  it('puts runs back at the front of the queue in order, nothing counted, for another worker', async () => {
    const clock = createVirtualClock();
    const w = manual(3);
    const pool = createPool({ worker: w.logic, size: 2, clock }).start();
    await clock.flush();
    const all = pool.submitMany(['a', 'b', 'c', 'd', 'e', 'f']);
    await clock.flush();
    expect(w.starts).toHaveLength(6);
    // The worker that took 'a' keeps it and gives back the two it has not started.
    const x = w.starts[0]![1];
    const y = w.starts.find(([, id]) => id !== x)![1];
    const ids = [...w.open].filter(([, r]) => r.workerId === x).map(([id]) => id);
    const jobOf = (id: number) => 'abcdef'[id - 1]!;
    const setup = w.setups.get(x)!;
    setup.limitLanes(1);
    setup.giveBack(ids.slice(1));
    // (The executor forgets the runs it gave back: it will never answer them.)
    for (const id of ids.slice(1)) w.open.delete(id);
    const later = pool.run('g');
    await clock.flush();
    expect(pool.getSnapshot().metrics).toMatchObject({ active: 4, queued: 3 });
    expect(w.on(x)).toBe(1);
    // Worker y's lanes free one by one: they take the given-back tasks first, in order.
    for (const id of [...w.open].filter(([, r]) => r.workerId === y).map(([i]) => i)) {
      w.end(id);
      await clock.flush();
    }
    const again = w.starts.slice(6);
    expect(again).toEqual([
      [jobOf(ids[1]!), y, 1],
      [jobOf(ids[2]!), y, 1],
      ['g', y, 1],
    ]);
    while (w.open.size > 0) {
      for (const id of [...w.open.keys()]) w.end(id);
      await clock.flush();
    }
    expect((await all).every(isOk)).toBe(true);
    expect(await later).toBe('done 7');
    await pool.close();
    const m = pool.getSnapshot().metrics;
    expect(m).toMatchObject({ completed: 7, retries: 0, crashed: 0, quarantined: 0, late: 0 });
    expectConserved(m);
  });

  it('keeps priority order: a given-back task goes to the head of its own level', async () => {
    const clock = createVirtualClock();
    const w = manual(2);
    const pool = createPool({
      worker: w.logic,
      size: 1,
      clock,
      queue: { kind: 'priority', levels: 2 },
    }).start();
    await clock.flush();
    const setup = [...w.setups.values()][0]!;
    const low = pool.run('low');
    const low2 = pool.run('low2');
    await clock.flush();
    expect(w.starts.map(([job]) => job)).toEqual(['low', 'low2']);
    const high = pool.run('high', { priority: 1 });
    const low3 = pool.run('low3');
    await clock.flush();
    setup.limitLanes(1);
    setup.giveBack([2]);
    w.open.delete(2);
    w.end(1);
    await clock.flush();
    // The high-priority task first, then the given-back one ahead of the later low one.
    expect(w.starts.map(([job]) => job)).toEqual(['low', 'low2', 'high']);
    for (const id of [3, 2, 4]) {
      w.end(id);
      await clock.flush();
    }
    expect(w.starts.map(([job]) => job)).toEqual(['low', 'low2', 'high', 'low2', 'low3']);
    await Promise.all([low, low2, high, low3]);
    await pool.close();
  });

  it('drops an answer for a run given back as stray; an unknown id is ignored', async () => {
    const clock = createVirtualClock();
    const w = manual(2);
    const pool = createPool({ worker: w.logic, size: 1, clock }).start();
    await clock.flush();
    const setup = [...w.setups.values()][0]!;
    const a = pool.run('a');
    const b = pool.run('b');
    await clock.flush();
    setup.limitLanes(1);
    const late = w.open.get(2)!;
    setup.giveBack([2, 99]);
    late.end('too late');
    w.end(1);
    await clock.flush();
    w.end(2);
    expect(await a).toBe('done 1');
    expect(await b).toBe('done 2');
    expect(pool.getSnapshot().metrics.late).toBe(1);
    await pool.close();
  });
});
