/**
 * Bad options never throw where the API promises an outcome: a `timeoutMs` or `priority` that
 * cannot be printed (null-prototype object, throwing `toString`, Proxy, Symbol, BigInt) — or
 * options that cannot even be read — make `submit` resolve `Left(TaskRejected('invalid-input'))`,
 * `run` reject with it and `submitMany` refuse each item. `setPriority` and `createPool` throw
 * `InvalidOptionError` naming the option, never a `TypeError` of their own.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createPool,
  createVirtualClock,
  InvalidOptionError,
  isErr,
  TaskRejected,
  type SubmitOptions,
} from '@troupe/core';
import { trapProxy, unprintable } from './support/hostile.js';
import { settled } from './support/observe.js';

/** Option values no formatter can print naively. */
const hostile = (): [string, unknown][] => [
  ['a null-prototype object', Object.create(null)],
  ['an object whose toString throws', unprintable()],
  ['a Proxy that throws on every trap', trapProxy()],
  ['a symbol', Symbol('opt')],
  ['a bigint', 5n],
];

function setup() {
  const clock = createVirtualClock();
  const pool = createPool<number, number>({
    worker: (n) => n,
    clock,
    queue: { kind: 'priority', levels: 3 },
  });
  pool.start();
  return { clock, pool };
}

const isInvalidInput = (result: unknown): boolean =>
  isErr(result as never) &&
  (result as { left: unknown }).left instanceof TaskRejected &&
  (result as { left: TaskRejected }).left.reason === 'invalid-input';

describe('hostile submit options', () => {
  for (const [name, value] of hostile()) {
    for (const option of ['timeoutMs', 'priority'] as const) {
      it(`${option} set to ${name}: submit, run and submitMany refuse it`, async () => {
        const { clock, pool } = setup();
        await clock.flush();
        const options = { [option]: value } as SubmitOptions;
        expect(isInvalidInput(await settled(pool.submit(1, options)))).toBe(true);
        await expect(settled(pool.run(1, options))).rejects.toMatchObject({
          _tag: 'TaskRejected',
          reason: 'invalid-input',
        });
        const many = await settled(pool.submitMany([1, 2, 3], options));
        expect(many.map(isInvalidInput)).toEqual([true, true, true]);
        expect(await settled(pool.run(4))).toBe(4);
        await settled(pool.close());
      });
    }

    it(`setPriority with ${name} throws InvalidOptionError naming priority`, async () => {
      const { clock, pool } = setup();
      await clock.flush();
      let thrown: unknown;
      try {
        pool.setPriority('some-id', value as number);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(InvalidOptionError);
      expect(thrown).toMatchObject({ option: 'priority' });
      expect((thrown as Error).message).toContain('a whole number from 0 to 2');
      await settled(pool.close());
    });
  }

  it('options that cannot be read are refused, not thrown', async () => {
    const { clock, pool } = setup();
    await clock.flush();
    const options = trapProxy() as SubmitOptions;
    expect(isInvalidInput(await settled(pool.submit(1, options)))).toBe(true);
    await expect(settled(pool.run(1, options))).rejects.toBeInstanceOf(TaskRejected);
    const many = await settled(pool.submitMany([1, 2], options));
    expect(many.map(isInvalidInput)).toEqual([true, true]);
    await settled(pool.close());
  });
});

describe('createPool with hostile option values', () => {
  const OPTIONS = [
    'name',
    'worker',
    'size',
    'queue',
    'timeoutMs',
    'clock',
    'inspect',
    'metrics',
    'supervision',
    'retry',
    'quarantineAfter',
    'rate',
    'random',
  ] as const;
  const NESTED: Record<string, readonly string[]> = {
    size: ['min', 'max', 'idleTimeoutMs', 'target'],
    queue: ['kind', 'levels', 'capacity', 'overflow', 'aging'],
    metrics: ['windowMs', 'intervalMs'],
    supervision: ['strategy', 'maxRestarts', 'withinMs', 'backoff', 'setupTimeoutMs'],
    retry: ['attempts', 'backoff'],
    rate: ['limit', 'intervalMs'],
  };
  // Hostile values are picked by index: fast-check itself inspects constants, and a Proxy that
  // throws on every trap would break it.
  const value = fc.oneof(
    fc.anything().map((v) => () => v),
    fc.nat(hostile().length).map((i) => () => (i === 0 ? trapProxy() : hostile()[i - 1]![1])),
  );
  /** Builds options with `v` at `option` (or at `option.field`, with the rest valid). */
  const place = (option: string, field: string | undefined, v: unknown): object =>
    field === undefined
      ? { worker: (n: number) => n, [option]: v }
      : { worker: (n: number) => n, [option]: { [field]: v } };

  it('throws nothing but InvalidOptionError, whatever an option holds', () => {
    const site = fc.oneof(
      fc.constantFrom(...OPTIONS).map((option) => [option, undefined] as const),
      fc
        .constantFrom(...Object.keys(NESTED))
        .chain((option) => fc.constantFrom(...NESTED[option]!).map((f) => [option, f] as const)),
    );
    fc.assert(
      fc.property(site, value, ([option, field], make) => {
        try {
          createPool(place(option, field, make()) as never);
        } catch (error) {
          if (!(error instanceof InvalidOptionError)) throw error;
          expect(typeof error.message).toBe('string');
        }
      }),
      { numRuns: 500 },
    );
  });

  it('names the option whose value cannot be read or printed', () => {
    for (const [, v] of hostile()) {
      for (const option of ['size', 'timeoutMs', 'quarantineAfter', 'name', 'random', 'worker']) {
        expect(() => createPool(place(option, undefined, v) as never)).toThrow(InvalidOptionError);
      }
    }
    for (const option of ['queue', 'supervision', 'retry', 'rate', 'metrics', 'clock']) {
      for (const v of [trapProxy(), unprintable()]) {
        let thrown: unknown;
        try {
          createPool(place(option, undefined, v) as never);
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(InvalidOptionError);
        expect((thrown as InvalidOptionError).option.startsWith(option)).toBe(true);
      }
    }
    let thrown: unknown;
    try {
      createPool(trapProxy() as never);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidOptionError);
  });
});
