/**
 * Bad options of `fromBullmq`, `serveBullmq` and `consumerMetrics` throw `InvalidOptionError` at
 * once, naming the option, the value and what is allowed; nothing connects to Redis for that.
 */
import { describe, expect, it } from 'vitest';
import { createPool, InvalidOptionError } from '@troupe/core';
import { consumerMetrics, fromBullmq, serveBullmq } from '@troupe/bullmq';

const connection = { host: '127.0.0.1', port: 1 };

describe('options', () => {
  it('fromBullmq names the bad option', () => {
    const bad = (options: object) => () => fromBullmq(options as never);
    expect(bad({ queue: 'a:b', connection })).toThrow(/invalid option `queue`: got "a:b"/);
    expect(bad({ queue: '', connection })).toThrow(InvalidOptionError);
    expect(bad({ queue: 'q' })).toThrow(/invalid option `connection`/);
    expect(bad({ queue: 'q', connection, concurrency: 0 })).toThrow(
      /`concurrency`: got 0; allowed: a whole number from 1/,
    );
    expect(bad({ queue: 'q', connection, outageWaitMs: -1 })).toThrow(/`outageWaitMs`/);
    expect(bad({ queue: 'q', connection, timeout: 5 })).toThrow(/`timeout`/);
    expect(bad({ queue: 'q', connection, prefix: '' })).toThrow(/`prefix`/);
  });

  it('fromBullmq makes worker logic that forwards task errors, without connecting', () => {
    const logic = fromBullmq({ queue: 'q', connection, concurrency: 4 });
    expect([logic.kind, logic.concurrency, logic.forwardsTaskErrors]).toEqual(['bullmq', 4, true]);
  });

  it('serveBullmq and consumerMetrics name the bad option', () => {
    const pool = createPool({ worker: (n: number) => n, size: 3 });
    expect(() => serveBullmq({ queue: 'q', connection, pool: {} as never })).toThrow(/`pool`/);
    expect(() => serveBullmq({ queue: 'q', connection, pool, maxStalled: -1 })).toThrow(
      /`maxStalled`/,
    );
    expect(() => serveBullmq({ queue: 'q', connection, pool, lockDurationMs: 0 })).toThrow(
      /`lockDurationMs`/,
    );
    expect(() => serveBullmq({ queue: 'q', connection, pool, name: '' })).toThrow(/`name`/);
    expect(() => consumerMetrics({ queue: 'q', connection, staleAfterMs: 'x' as never })).toThrow(
      /`staleAfterMs`/,
    );
  });
});
