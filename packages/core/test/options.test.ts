import { describe, expect, it } from 'vitest';
import {
  createPool,
  createVirtualClock,
  fromAsync,
  InvalidOptionError,
  isErr,
  systemClock,
  type PoolMetrics,
  type PoolOptions,
} from '@troupe/core';

const worker = async (n: number): Promise<number> => n;

/** Options as an untyped caller (plain JS, JSON config) might pass them. */
const loose = (options: Record<string, unknown>): PoolOptions<number, number> =>
  options as unknown as PoolOptions<number, number>;

function invalid(options: PoolOptions<number, number>): InvalidOptionError {
  try {
    createPool(options);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionError);
    return error as InvalidOptionError;
  }
  throw new Error('createPool did not throw');
}

const noopClock = { setTimeout: () => 0, clearTimeout: () => undefined };

type Case = readonly [
  option: string,
  value: unknown,
  shown: string,
  allowed: RegExp,
  options: Record<string, unknown>,
];

const cases: readonly Case[] = [
  ['size', 0, '0', />= 1/, { worker, size: 0 }],
  ['size', -1, '-1', />= 1/, { worker, size: -1 }],
  ['size', 1.5, '1.5', /whole number >= 1/, { worker, size: 1.5 }],
  ['size', Number.NaN, 'NaN', /whole number >= 1/, { worker, size: Number.NaN }],
  ['size', '4', '"4"', /whole number >= 1/, { worker, size: '4' }],
  ['size', Infinity, 'Infinity', /whole number >= 1/, { worker, size: Infinity }],
  [
    'queue.capacity',
    -1,
    '-1',
    /whole number >= 0, or Infinity/,
    { worker, queue: { capacity: -1 } },
  ],
  [
    'queue.capacity',
    -5,
    '-5',
    /whole number >= 0, or Infinity/,
    { worker, queue: { capacity: -5 } },
  ],
  [
    'queue.capacity',
    1.5,
    '1.5',
    /whole number >= 0, or Infinity/,
    { worker, queue: { capacity: 1.5 } },
  ],
  [
    'queue.capacity',
    Number.NaN,
    'NaN',
    /whole number >= 0, or Infinity/,
    { worker, queue: { capacity: Number.NaN } },
  ],
  [
    'queue.capacity',
    '10',
    '"10"',
    /whole number >= 0, or Infinity/,
    { worker, queue: { capacity: '10' } },
  ],
  [
    'queue.overflow',
    'drop-newest',
    '"drop-newest"',
    /'reject' \| 'wait' \| 'drop-oldest'/,
    { worker, queue: { overflow: 'drop-newest' } },
  ],
  ['queue', 5, '5', /an object/, { worker, queue: 5 }],
  ['timeoutMs', 0, '0', /number > 0 \(milliseconds\), or Infinity/, { worker, timeoutMs: 0 }],
  ['timeoutMs', -1, '-1', /number > 0 \(milliseconds\), or Infinity/, { worker, timeoutMs: -1 }],
  [
    'timeoutMs',
    Number.NaN,
    'NaN',
    /number > 0 \(milliseconds\), or Infinity/,
    { worker, timeoutMs: Number.NaN },
  ],
  ['timeoutMs', -Infinity, '-Infinity', /number > 0/, { worker, timeoutMs: -Infinity }],
  ['worker', undefined, 'undefined', /function, or worker logic/, {}],
  ['worker', 42, '42', /function, or worker logic/, { worker: 42 }],
  ['worker', { setup: 1 }, '{"setup":1}', /function, or worker logic/, { worker: { setup: 1 } }],
  ['name', '', '""', /non-empty string/, { worker, name: '' }],
  ['name', 7, '7', /non-empty string/, { worker, name: 7 }],
  ['metrics.intervalMs', 0, '0', /finite number > 0/, { worker, metrics: { intervalMs: 0 } }],
  [
    'metrics.windowMs',
    Infinity,
    'Infinity',
    /finite number > 0/,
    { worker, metrics: { windowMs: Infinity } },
  ],
  ['clock', noopClock, '{}', /now\(\)/, { worker, clock: noopClock }],
  [
    'clock',
    'system',
    '"system"',
    /now\(\), setTimeout\(\) and clearTimeout\(\)/,
    { worker, clock: 'system' },
  ],
  ['inspect', 3, '3', /inspection observer/, { worker, inspect: 3 }],
  ['inspect', null, 'null', /inspection observer/, { worker, inspect: null }],
  ['sise', 2, '2', /known options: name, worker, size/, { worker, sise: 2 }],
  [
    'options',
    'worker',
    '"worker"',
    /an object with at least `worker`/,
    'worker' as unknown as Record<string, unknown>,
  ],
];

describe('createPool option validation', () => {
  it.each(cases)(
    'rejects %s = %s, naming the option, the value and what is allowed',
    (option, value, shown, allowed, options) => {
      const error = invalid(loose(options));
      expect(error.option).toBe(option);
      expect(error.value).toEqual(value); // NaN equals NaN here
      expect(error.message).toContain(`\`${option}\``);
      expect(error.message).toContain(`got ${shown};`);
      expect(error.message).toMatch(allowed);
      expect(error.allowed).toMatch(allowed);
    },
  );

  it('rejects missing options as a whole', () => {
    const error = invalid(undefined as unknown as PoolOptions<number, number>);
    expect(error.option).toBe('options');
  });

  it('rejects a { run } object that no executor made, pointing at fromAsync', () => {
    const error = invalid(loose({ worker: { run: worker } }));
    expect(error.option).toBe('worker');
    expect(error.message).toContain('fromAsync()');
  });

  it('accepts the edges of what is allowed', () => {
    const clock = createVirtualClock();
    for (const options of [
      { worker, size: 1, clock },
      { worker, size: 64, clock },
      { worker, queue: { capacity: 1 }, clock },
      { worker, queue: { capacity: Infinity, overflow: 'wait' as const }, clock },
      { worker, queue: { overflow: 'drop-oldest' as const }, clock },
      { worker, timeoutMs: 0.5, clock },
      { worker, timeoutMs: Infinity, clock },
      { worker, name: 'x', metrics: { windowMs: 1, intervalMs: 1 }, clock },
      { worker: fromAsync({ run: worker }), inspect: () => undefined, clock },
    ]) {
      expect(() => createPool(options)).not.toThrow();
    }
  });
});

describe('defaults', () => {
  it('measures its windowed metrics over the last 10 s, on the system clock', async () => {
    const clock = createVirtualClock();
    const pool = createPool({ worker, clock }).start();
    const windows: number[] = [];
    const sub = pool.metrics$.subscribe((m) => windows.push(m.windowMs));
    await clock.advance(60_000);
    sub.unsubscribe();
    expect(windows.slice(0, 3)).toEqual([0, 1_000, 2_000]);
    expect(new Set(windows.slice(10))).toEqual(new Set([10_000]));
    await pool.close();

    const before = systemClock.now();
    const real = createPool({ worker });
    const { at } = real.getSnapshot().metrics;
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(systemClock.now());
    await real.close();
  });

  it('createPool({ worker }) is named "pool" and runs one worker', async () => {
    const pool = createPool({ worker }).start();
    expect(pool.name).toBe('pool');
    const snapshot = pool.getSnapshot();
    expect(snapshot.size).toBe(1);
    await expect(pool.run(5)).resolves.toBe(5);
    expect(pool.getSnapshot().workers.map((w) => w.id)).toEqual(['pool-w1']);
    await pool.close();
  });

  it('queues 10 000 tasks by default and rejects the next with queue-full', async () => {
    const clock = createVirtualClock();
    const pool = createPool({ worker: () => new Promise<number>(() => undefined), clock }).start();
    await clock.flush();
    void pool.submit(0); // runs (and never finishes)
    for (let i = 1; i <= 10_000; i++) void pool.submit(i);
    expect(pool.getSnapshot().metrics).toMatchObject({ active: 1, queued: 10_000, rejected: 0 });
    const refused = await pool.submit(10_001);
    expect(isErr(refused) && refused.left).toMatchObject({
      _tag: 'TaskRejected',
      reason: 'queue-full',
    });
    await pool.close({ abort: true });
  });

  it.each([
    ['by default', {}],
    ['with timeoutMs: Infinity', { timeoutMs: Infinity }],
  ])('has no task time limit %s', async (_, extra) => {
    const clock = createVirtualClock();
    const slow = (n: number) => new Promise<number>((r) => clock.setTimeout(() => r(n), 1e9));
    const pool = createPool({ worker: slow, clock, ...extra }).start();
    await clock.flush();
    const result = pool.submit(3);
    await clock.advance(1e9);
    await expect(result).resolves.toMatchObject({ _tag: 'Right', right: 3 });
    expect(pool.getSnapshot().metrics.timedOut).toBe(0);
    await pool.close();
  });

  it('emits metrics every 1 000 ms by default', async () => {
    const clock = createVirtualClock();
    const pool = createPool({ worker, clock }).start();
    const seen: PoolMetrics[] = [];
    const subscription = pool.metrics$.subscribe((m) => seen.push(m));
    expect(seen.map((m) => m.at)).toEqual([0]);
    await clock.advance(999);
    expect(seen).toHaveLength(1);
    await clock.advance(2_001);
    expect(seen.map((m) => m.at)).toEqual([0, 1_000, 2_000, 3_000]);
    subscription.unsubscribe();
    await pool.close();
  });
});
