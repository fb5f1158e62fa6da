/**
 * The pool machine is plain logic: it runs with `createActor(poolMachine, { input })` and events
 * alone, with a fake engine that records what the machine asks of it — no pool around it.
 */
import { createActor, sendTo, setup, type AnyActorRef } from 'xstate';
import { describe, expect, it } from 'vitest';
import { createVirtualClock, type VirtualClock } from '@troupe/core';
import { PoolFailedError } from '../src/errors.js';
import { poolMachine, type PoolMachineInput } from '../src/pool/pool-machine.js';
import type { PoolEffects } from '../src/pool/pool-effects.js';
import type { PoolEvent } from '../src/pool/pool-events.js';
import { SeatTable } from '../src/pool/seat-table.js';
import { resolveSupervision } from '../src/supervision/supervision-options.js';
import type { SupervisionOptions } from '../src/supervision/supervision-options.js';
import type { WorkerLogic } from '../src/worker/worker-logic.js';

/** A fake engine: records each call by name; knows only which workers are attached and ready. */
function fakeEngine() {
  const calls: string[] = [];
  const events: PoolEvent[] = [];
  const attached = new Map<string, string>(); // worker id → seat, while it counts
  const ready = new Set<string>();
  const gone = (id: string): void => {
    attached.delete(id);
    ready.delete(id);
  };
  const effects: PoolEffects = {
    seats: new SeatTable(),
    open: () => void calls.push('open'),
    refuse: (reason) => void calls.push(`refuse ${reason}`),
    abortAll: () => void calls.push('abortAll'),
    rejectQueued: (reason) => void calls.push(`rejectQueued ${reason}`),
    whenIdle: () => Promise.resolve(),
    emit: (event) => void events.push(event),
    attach: (id, seat) => {
      calls.push(`attach ${id}`);
      attached.set(id, seat);
    },
    ready: (id) => void ready.add(id),
    replacing: (id) => gone(id),
    crashed: (id) => {
      calls.push(`crashed ${id}`);
      gone(id);
      return true;
    },
    stopped: (id) => {
      calls.push(`stopped ${id}`);
      gone(id);
    },
    lateTeardownFailed: () => undefined,
    readyCount: () => ready.size,
    mayBeEmpty: () => false,
    liveSeats: () => new Set(attached.values()),
    workerRoom: () => Infinity,
    stopSeat: (seat) => void calls.push(`stopSeat ${seat}`),
    retireSeat: () => false,
    shrink: () => [],
    stopAll: () => void calls.push('stopAll'),
    forget: () => void calls.push('forget'),
    startingWorkers: () => [],
    abandonStarting: () => undefined,
    reportStrayAnswer: () => undefined,
    countLate: () => undefined,
    requeueRun: () => undefined,
    limitLanes: () => undefined,
    giveBack: () => undefined,
  };
  return { effects, calls, events };
}

/** Workers whose setup never ends: they are ready only when the test says so. */
const waiting: WorkerLogic<unknown, unknown, unknown> = {
  kind: 'test',
  setup: () => new Promise(() => undefined),
  run: (x) => x,
};

function input(
  effects: PoolEffects,
  clock: VirtualClock,
  options: { size?: number; supervision?: SupervisionOptions; logic?: typeof waiting } = {},
): PoolMachineInput {
  return {
    name: 'p',
    size: options.size ?? 2,
    logic: options.logic ?? waiting,
    effects,
    clock,
    supervision: resolveSupervision({ backoff: { jitter: 0 }, ...options.supervision }),
    random: () => 0,
  };
}

const state = (actor: { getSnapshot(): { value: unknown } }) =>
  JSON.stringify(actor.getSnapshot().value);

describe('poolMachine, driven by events alone', () => {
  it('start → starting → (workers ready) → running → close → closing → stopped', async () => {
    const clock = createVirtualClock();
    const { effects, calls } = fakeEngine();
    const pool = createActor(poolMachine, { clock, input: input(effects, clock) }).start();
    expect(state(pool)).toBe('"stopped"');
    expect(calls).toEqual(['refuse pool-closed']);

    pool.send({ type: 'pool.start' });
    expect(state(pool)).toBe('"starting"');
    expect(calls.slice(1)).toEqual(['open', 'attach p-w1', 'attach p-w2']);

    pool.send({ type: 'worker.ready', id: 'p-w1', resource: undefined });
    expect(state(pool)).toBe('"starting"');
    pool.send({ type: 'worker.ready', id: 'p-w2', resource: undefined });
    expect(state(pool)).toBe('"running"');

    pool.send({ type: 'pool.close', abort: false, reason: undefined });
    expect(state(pool)).toBe('{"closing":"draining"}');
    await clock.flush(); // the drain (the engine's whenIdle) resolves
    expect(state(pool)).toBe('{"closing":"stopping"}');
    expect(calls).toContain('stopAll');

    pool.send({ type: 'worker.stopped', id: 'p-w1' });
    expect(state(pool)).toBe('{"closing":"stopping"}');
    pool.send({ type: 'worker.stopped', id: 'p-w2' });
    expect(state(pool)).toBe('"stopped"');
    expect(calls.slice(-3)).toEqual(['stopped p-w1', 'stopped p-w2', 'refuse pool-closed']);
    expect(pool.getSnapshot().status).toBe('active');
    pool.stop();
  });

  it('a crash within the restart limit: a new worker on the seat after the backoff', async () => {
    const clock = createVirtualClock();
    const { effects, calls, events } = fakeEngine();
    const pool = createActor(poolMachine, {
      clock,
      input: input(effects, clock, {
        size: 1,
        supervision: { maxRestarts: 1, backoff: { minMs: 100, jitter: 0 } },
      }),
    }).start();
    pool.send({ type: 'pool.start' });
    pool.send({ type: 'worker.ready', id: 'p-w1', resource: undefined });
    // No supervisor until a crash needs one.
    expect(pool.getSnapshot().children).toEqual({});
    pool.send({ type: 'worker.crashed', id: 'p-w1', cause: new Error('boom') });
    expect(state(pool)).toBe('"running"');
    expect(Object.keys(pool.getSnapshot().children)).toEqual(['supervisor']);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'worker.restarting', workerId: 'p-w1', delayMs: 100 }),
    );
    expect(calls).not.toContain('attach p-w1-r1');
    await clock.advance(100);
    expect(calls).toContain('attach p-w1-r1');
    pool.stop();
  });

  it('a crash over the restart limit: failed, and the engine is told to give up', () => {
    const clock = createVirtualClock();
    const { effects, calls, events } = fakeEngine();
    const pool = createActor(poolMachine, {
      clock,
      input: input(effects, clock, { size: 1, supervision: { maxRestarts: 0 } }),
    }).start();
    pool.send({ type: 'pool.start' });
    pool.send({ type: 'worker.ready', id: 'p-w1', resource: undefined });
    calls.length = 0;
    pool.send({ type: 'worker.crashed', id: 'p-w1', cause: new Error('boom') });
    expect(state(pool)).toBe('"failed"');
    expect(pool.getSnapshot().context.failure).toBeInstanceOf(PoolFailedError);
    expect(calls).toEqual([
      'crashed p-w1',
      'refuse pool-failed',
      'rejectQueued pool-failed',
      'abortAll',
      'stopAll',
    ]);
    expect(events.map((e) => e.type)).toContain('pool.failed');
    // No machine of ours ends in XState's error status.
    expect(pool.getSnapshot().status).toBe('active');
    pool.stop();
  });

  it('runs as the child of another machine', async () => {
    const clock = createVirtualClock();
    const { effects } = fakeEngine();
    // Workers with no setup are ready at once: their actors report to the pool by themselves.
    const logic: WorkerLogic<unknown, unknown, unknown> = { kind: 'test', run: (x) => x };
    const parent = setup({ actors: { pool: poolMachine } }).createMachine({
      invoke: { id: 'pool', src: 'pool', input: input(effects, clock, { size: 3, logic }) },
      entry: sendTo('pool', { type: 'pool.start' }),
    });
    const system = createActor(parent, { clock }).start();
    await clock.flush();
    const child = system.getSnapshot().children.pool as AnyActorRef;
    expect(state(child)).toBe('"running"');
    system.stop();
  });
});
