import { describe, expect, it } from 'vitest';
import { DESCRIBE_MAX, describeValue, isInstance } from '../src/describe-value.js';

/** A Proxy whose every trap throws. */
const hostileProxy = (): object =>
  new Proxy(
    {},
    new Proxy(
      {},
      {
        get: () => () => {
          throw new Error('trap');
        },
      },
    ),
  );

describe('describeValue', () => {
  it('renders values briefly', () => {
    expect(describeValue('x')).toBe('"x"');
    expect(describeValue('')).toBe('""');
    expect(describeValue(3)).toBe('3');
    expect(describeValue(-0)).toBe('-0');
    expect(describeValue(-Infinity)).toBe('-Infinity');
    expect(describeValue(undefined)).toBe('undefined');
    expect(describeValue(null)).toBe('null');
    expect(describeValue(true)).toBe('true');
    expect(describeValue(10n)).toBe('10n');
    expect(describeValue(Symbol('s'))).toBe('Symbol(s)');
    expect(describeValue(function named() {})).toBe('function named');
    expect(describeValue(() => 1)).toBe('function (anonymous)');
    expect(describeValue({ a: 1 })).toBe('{"a":1}');
    expect(describeValue([1, 2])).toBe('[1,2]');
    expect(describeValue(new RangeError('boom'))).toBe('RangeError: boom');
  });

  it('cuts long JSON to 80 characters and survives values JSON cannot render', () => {
    const long = describeValue({ text: 'y'.repeat(200) });
    expect(long).toHaveLength(80);
    expect(long.endsWith('...')).toBe(true);
    const circular: { self?: unknown } = {};
    circular.self = circular;
    expect(describeValue(circular)).toBe('[object Object]');
    expect(describeValue({ big: 1n })).toBe('[object Object]');
  });

  it('never throws, whatever it is given, and stays short', () => {
    const throwing = {
      toString() {
        throw new Error('no');
      },
      toJSON() {
        throw new Error('no');
      },
    };
    const badMessage = new Error('x');
    Object.defineProperty(badMessage, 'message', {
      get() {
        throw new Error('no');
      },
    });
    const loop = new Error('a');
    const other = new Error('b', { cause: loop });
    (loop as { cause?: unknown }).cause = other;
    const values: unknown[] = [
      Object.create(null),
      throwing,
      badMessage,
      loop,
      hostileProxy(),
      new Proxy(() => undefined, {
        get: () => {
          throw new Error('trap');
        },
      }),
      'z'.repeat(1e5),
      Symbol(),
    ];
    for (const value of values) {
      const text = describeValue(value);
      expect(typeof text).toBe('string');
      expect(text.length).toBeLessThanOrEqual(DESCRIBE_MAX);
    }
    expect(describeValue(Object.create(null))).toBe('{}');
    expect(describeValue(badMessage)).toBe('Error: [unprintable value]');
    expect(describeValue(loop)).toBe('Error: a');
  });
});

describe('isInstance', () => {
  it('is instanceof, but false where asking throws', () => {
    expect(isInstance(new RangeError('x'), Error)).toBe(true);
    expect(isInstance({}, Error)).toBe(false);
    expect(isInstance(null, Error)).toBe(false);
    expect(isInstance(hostileProxy(), Error)).toBe(false);
  });
});
