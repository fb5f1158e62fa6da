/**
 * The priority queue on a pool (`queue: { kind: 'priority' }`): its options, the run order, the
 * priorities a submit may ask for, and task ids. The other aspects have their own files.
 */
import { describe, expect, it } from 'vitest';
import {
  createPool,
  createVirtualClock,
  InvalidOptionError,
  isErr,
  TaskRejected,
  type PoolOptions,
} from '@troupe/core';
import { expectConserved } from './support/conservation.js';
import { gatedPool, PRIORITY } from './support/gated-pool.js';
import { rejection } from './support/results.js';

/** Options as an untyped caller (plain JS, JSON config) might pass them. */
const loose = (queue: Record<string, unknown>): PoolOptions<string, string> => ({
  worker: async (s: string) => s,
  queue,
});

function invalid(options: PoolOptions<string, string>): InvalidOptionError {
  try {
    createPool(options);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionError);
    return error as InvalidOptionError;
  }
  throw new Error('createPool did not throw');
}

type Case = readonly [option: string, queue: Record<string, unknown>, allowed: RegExp];

const cases: readonly Case[] = [
  ['queue.kind', { kind: 'lifo' }, /'fifo' \| 'priority'/],
  ['queue.kind', { kind: 1 }, /'fifo' \| 'priority'/],
  ['queue.levels', { levels: 3 }, /unless queue.kind is 'priority'/],
  ['queue.levels', { kind: 'fifo', levels: 3 }, /unless queue.kind is 'priority'/],
  ['queue.aging', { aging: { everyMs: 10 } }, /unless queue.kind is 'priority'/],
  ['queue.aging', { kind: 'fifo', aging: { everyMs: 10 } }, /unless queue.kind is 'priority'/],
  ['queue.levels', { kind: 'priority', levels: 0 }, /whole number from 1 to 256/],
  ['queue.levels', { kind: 'priority', levels: 257 }, /whole number from 1 to 256/],
  ['queue.levels', { kind: 'priority', levels: 2.5 }, /whole number from 1 to 256/],
  ['queue.levels', { kind: 'priority', levels: Number.NaN }, /whole number from 1 to 256/],
  ['queue.levels', { kind: 'priority', levels: '3' }, /whole number from 1 to 256/],
  ['queue.levels', { kind: 'priority', levels: Infinity }, /whole number from 1 to 256/],
  ['queue.aging', { kind: 'priority', aging: 100 }, /an object/],
  ['queue.aging', { kind: 'priority', aging: null }, /an object/],
  ['queue.aging.everyMs', { kind: 'priority', aging: {} }, /finite number > 0/],
  ['queue.aging.everyMs', { kind: 'priority', aging: { everyMs: 0 } }, /finite number > 0/],
  ['queue.aging.everyMs', { kind: 'priority', aging: { everyMs: -5 } }, /finite number > 0/],
  ['queue.aging.everyMs', { kind: 'priority', aging: { everyMs: Infinity } }, /finite/],
  ['queue.aging.everyMs', { kind: 'priority', aging: { everyMs: Number.NaN } }, /> 0/],
  ['queue.aging.everyMs', { kind: 'priority', aging: { everyMs: '10' } }, /> 0/],
];

describe('priority queue options', () => {
  it.each(cases)('rejects %s in %j', (option, queue, allowed) => {
    const error = invalid(loose(queue));
    expect(error.option).toBe(option);
    expect(error.message).toContain(`\`${option}\``);
    expect(error.allowed).toMatch(allowed);
  });

  it('accepts the edges: 1 and 256 levels, a tiny everyMs, fifo spelled out', async () => {
    const clock = createVirtualClock();
    for (const queue of [
      { kind: 'priority', levels: 1 },
      { kind: 'priority', levels: 256, aging: { everyMs: 0.001 } },
      { kind: 'priority', capacity: Infinity, overflow: 'wait' },
      { kind: 'fifo' },
    ] as const) {
      const pool = createPool({ worker: async (s: string) => s, clock, queue }).start();
      await clock.flush();
      const top = queue.kind === 'priority' ? ('levels' in queue ? queue.levels - 1 : 2) : 0;
      await expect(pool.run('x', { priority: top })).resolves.toBe('x');
      await pool.close();
    }
  });

  it('defaults to 3 levels: 2 is the top priority, 3 is out of range', async () => {
    const clock = createVirtualClock();
    const pool = createPool({ worker: async (s: string) => s, clock, queue: PRIORITY }).start();
    await clock.flush();
    await expect(pool.run('top', { priority: 2 })).resolves.toBe('top');
    const r = rejection(await pool.submit('over', { priority: 3 }));
    expect(r).toMatchObject({ reason: 'invalid-input' });
    expect((r as TaskRejected).message).toContain('0 to 2');
    expect(pool.getSnapshot().metrics.levels).toHaveLength(3);
    await pool.close();
  });
});

describe('run order', () => {
  it('runs higher levels first and FIFO within a level', async () => {
    const { order, pool, blocked, submitAll, drain } = gatedPool({ ...PRIORITY, levels: 4 });
    const { gate } = await blocked();
    const results = submitAll([
      ['a0', 0],
      ['b2', 2],
      ['c1', 1],
      ['d3', 3],
      ['e0', 0],
      ['f2', 2],
      ['g3', 3],
      ['h1', 1],
    ]);
    await drain();
    expect(order).toEqual(['gate', 'd3', 'g3', 'b2', 'f2', 'c1', 'h1', 'a0', 'e0']);
    expect((await Promise.all([gate, ...results])).every((r) => !isErr(r))).toBe(true);
    expectConserved(pool.getSnapshot().metrics);
    await pool.close();
  });

  it('runs tasks without a priority at level 0', async () => {
    const { order, pool, blocked, drain } = gatedPool(PRIORITY);
    await blocked();
    const results = [
      pool.submit('plain'),
      pool.submit('one', { priority: 1 }),
      pool.submit('zero', { priority: 0 }),
    ];
    await drain();
    await Promise.all(results);
    expect(order).toEqual(['gate', 'one', 'plain', 'zero']);
    await pool.close();
  });
});

describe('invalid priorities', () => {
  it.each([-1, 1.5, 3, Number.NaN, Infinity, '1'])(
    'rejects priority %s with invalid-input, naming the allowed range',
    async (priority) => {
      const { order, pool, clock } = gatedPool({ ...PRIORITY, levels: 3 });
      await clock.flush();
      const r = rejection(await pool.submit('bad', { priority: priority as number }));
      expect(r).toBeInstanceOf(TaskRejected);
      expect(r).toMatchObject({ reason: 'invalid-input', taskId: undefined });
      expect((r as TaskRejected).message).toMatch(/priority/);
      expect((r as TaskRejected).message).toContain('from 0 to 2 (queue.levels is 3)');
      const m = pool.getSnapshot().metrics;
      expect(m).toMatchObject({ rejected: 1, submitted: 0, queued: 0, active: 0 });
      expect(order).toEqual([]);
      await pool.close();
    },
  );

  it('a FIFO pool rejects any priority but 0, pointing at kind: priority', async () => {
    const clock = createVirtualClock();
    const pool = createPool({ worker: async (s: string) => s, clock }).start();
    await clock.flush();
    const r = rejection(await pool.submit('x', { priority: 1 }));
    expect(r).toMatchObject({ reason: 'invalid-input' });
    expect((r as TaskRejected).message).toContain("kind: 'priority'");
    await expect(pool.run('y', { priority: 0 })).resolves.toBe('y');
    expect(pool.getSnapshot().metrics).toMatchObject({ rejected: 1, submitted: 1 });
    await pool.close();
  });
});

describe('task ids', () => {
  it('rejects a duplicate of an unsettled id; the id is free again once its task settles', async () => {
    const { order, pool, blocked, drain } = gatedPool(PRIORITY);
    const { gate } = await blocked({ id: 'g' });
    const first = pool.submit('first', { id: 'a', priority: 0 });
    for (const id of ['a', 'g']) {
      const r = rejection(await pool.submit('dup', { id, priority: 2 }));
      expect(r).toMatchObject({ reason: 'invalid-input', taskId: undefined });
      expect((r as TaskRejected).message).toContain(`'${id}'`);
    }
    const empty = rejection(await pool.submit('empty', { id: '' }));
    expect(empty).toMatchObject({ reason: 'invalid-input' });
    expect(pool.getSnapshot().metrics).toMatchObject({ rejected: 3, submitted: 2 });
    // The duplicates did not disturb the original: it is still found by its id.
    expect(pool.setPriority('a', 2)).toBe(true);
    await drain();
    await Promise.all([gate, first]);
    expect(order).toEqual(['gate', 'first']);
    await expect(pool.run('again', { id: 'a' })).resolves.toBe('again');
    await expect(pool.run('gate-again', { id: 'g' })).resolves.toBe('gate-again');
    expectConserved(pool.getSnapshot().metrics);
    await pool.close();
  });
});
