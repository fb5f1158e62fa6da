import { of } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  createPool,
  createVirtualClock,
  exponentialBackoff,
  InvalidOptionError,
  rejectUnknownOptions,
  through,
} from '@troupe/core';

const worker = (n: number): number => n;

function thrown(fn: () => unknown): InvalidOptionError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionError);
    return error as InvalidOptionError;
  }
  throw new Error('did not throw');
}

/** The one message shape: the key's path, its value, the known keys, and the likely meant one. */
const shape = (path: string, value: string, where: string, known: string, meant?: string): string =>
  `invalid option \`${path}\`: got ${value}; allowed: one of the known options${where}: ${known}` +
  (meant === undefined ? '' : ` (did you mean \`${meant}\`?)`);

describe('rejectUnknownOptions', () => {
  it('names the path, the value, the known keys and the nearest one', () => {
    const error = thrown(() => rejectUnknownOptions('queue', { levles: 3 }, ['kind', 'levels']));
    expect(error.option).toBe('queue.levles');
    expect(error.value).toBe(3);
    expect(error.message).toBe(shape('queue.levles', '3', ' of queue', 'kind, levels', 'levels'));
  });

  it('suggests a known key that differs in case, by a suffix, or by up to two edits, and none when nothing is close', () => {
    const meant = (key: string): string | undefined =>
      /did you mean `([^`]+)`/.exec(
        thrown(() => rejectUnknownOptions('', { [key]: 1 }, ['timeoutMs', 'capacity', 'overflow']))
          .message,
      )?.[1];
    expect(meant('TimeoutMs')).toBe('timeoutMs');
    expect(meant('timeout')).toBe('timeoutMs');
    expect(meant('capasity')).toBe('capacity');
    expect(meant('overfolw')).toBe('overflow');
    expect(meant('retries')).toBeUndefined();
  });

  it('passes known keys, and names a call-level key without a prefix', () => {
    expect(() => rejectUnknownOptions('rate', { limit: 1 }, ['limit', 'intervalMs'])).not.toThrow();
    expect(thrown(() => rejectUnknownOptions('', { sise: 2 }, ['size'])).option).toBe('sise');
  });
});

describe('every options object reports an unknown key in the same words', () => {
  const clock = createVirtualClock();
  const cases: [string, () => unknown, string, string, string, string | undefined][] = [
    [
      'createPool',
      () => createPool({ worker, timeout: 5 } as never),
      'timeout',
      '',
      'name, worker, size, queue, timeoutMs, clock, inspect, metrics, supervision, retry, quarantineAfter, rate, random, batch, tracing',
      'timeoutMs',
    ],
    [
      'queue',
      () => createPool({ worker, queue: { capasity: 5 } as never }),
      'queue.capasity',
      ' of queue',
      'kind, levels, aging, capacity, overflow',
      'capacity',
    ],
    [
      'queue.aging',
      () => createPool({ worker, queue: { kind: 'priority', aging: { every: 5 } as never } }),
      'queue.aging.every',
      ' of queue.aging',
      'everyMs',
      'everyMs',
    ],
    [
      'metrics',
      () => createPool({ worker, metrics: { window: 5 } as never }),
      'metrics.window',
      ' of metrics',
      'windowMs, intervalMs',
      'windowMs',
    ],
    [
      'rate',
      () => createPool({ worker, rate: { limit: 1, intervalMs: 5, burst: 2 } as never }),
      'rate.burst',
      ' of rate',
      'limit, intervalMs',
      undefined,
    ],
    [
      'batch',
      () =>
        createPool({
          worker: (xs: number[]) => xs,
          batch: { size: 2, maxWaitMs: 5, sizes: 1 } as never,
        }),
      'batch.sizes',
      ' of batch',
      'size, maxWaitMs',
      'size',
    ],
    [
      'size',
      () => createPool({ worker, size: { min: 1, max: 2, idle: 5 } as never }),
      'size.idle',
      ' of size',
      'min, max, idleTimeoutMs, target, cooldownMs, dryRun',
      'idleTimeoutMs',
    ],
    [
      'supervision',
      () => createPool({ worker, supervision: { maxRestart: 3 } as never }),
      'supervision.maxRestart',
      ' of supervision',
      'strategy, restart, maxRestarts, withinMs, backoff, resetAfterMs, setupTimeoutMs, timeouts',
      'maxRestarts',
    ],
    [
      'supervision.backoff',
      () => createPool({ worker, supervision: { backoff: { min: 5 } as never } }),
      'supervision.backoff.min',
      ' of supervision.backoff',
      'minMs, maxMs, factor, jitter',
      'minMs',
    ],
    [
      'exponentialBackoff',
      () => exponentialBackoff({ factr: 2 } as never),
      'backoff.factr',
      ' of backoff',
      'minMs, maxMs, factor, jitter',
      'factor',
    ],
    [
      'retry',
      () => createPool({ worker, retry: { attempt: 2 } as never }),
      'retry.attempt',
      ' of retry',
      'attempts, backoff',
      'attempts',
    ],
    [
      'close',
      () => createPool({ worker, clock }).close({ force: true } as never),
      'force',
      '',
      'abort, timeoutMs, cancelQueued',
      undefined,
    ],
    [
      'through',
      () => of(1).pipe(through(createPool({ worker, clock }), { order: true } as never)),
      'order',
      '',
      'ordered, concurrency, submit',
      'ordered',
    ],
  ];

  it.each(cases)('%s', (_name, make, path, where, known, meant) => {
    const error = thrown(make);
    expect(error.option).toBe(path);
    expect(error.message).toMatch(new RegExp(`^invalid option \`${path.replace('.', '\\.')}\`: `));
    expect(error.allowed).toBe(
      `one of the known options${where}: ${known}` +
        (meant === undefined ? '' : ` (did you mean \`${meant}\`?)`),
    );
  });

  it('resize({ min, max })', async () => {
    const pool = createPool({ worker, clock, size: { min: 1, max: 3 } });
    pool.start();
    const error = thrown(() => pool.resize({ mx: 2 } as never));
    expect(error.message).toBe(shape('resize.mx', '2', ' of resize', 'min, max', 'max'));
    await pool.close({ abort: true });
  });

  it('a per-task retry refuses the task (invalid-input) with the same words', async () => {
    const pool = createPool({ worker, clock });
    pool.start();
    const result = await pool.submit(1, { retry: { attempt: 2 } as never });
    expect(result._tag === 'Left' && result.left.message).toBe(
      shape('retry.attempt', '2', ' of retry', 'attempts, backoff', 'attempts'),
    );
    await pool.close();
  });
});
