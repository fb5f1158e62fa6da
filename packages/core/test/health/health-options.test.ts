/** Health options: defaults filled in, every bad value refused naming the option, value and rule. */
import { describe, expect, it } from 'vitest';
import { HEALTH_DEFAULTS, InvalidOptionError, resolveHealthOptions } from '@troupe/core';

describe('resolveHealthOptions', () => {
  it('fills in the defaults', () => {
    expect(resolveHealthOptions()).toEqual(HEALTH_DEFAULTS);
    expect(resolveHealthOptions({ maxErrorRate: 0.2 })).toEqual({
      ...HEALTH_DEFAULTS,
      maxErrorRate: 0.2,
    });
  });

  it.each([
    [{ maxErrorRate: 1.5 }, '`maxErrorRate`: got 1.5; allowed: a number from 0 to 1'],
    [{ maxP99Ms: 0 }, '`maxP99Ms`: got 0; allowed: a number > 0 (milliseconds), or Infinity'],
    [{ maxQueueRatio: 0 }, '`maxQueueRatio`'],
    [{ stallMs: -1 }, '`stallMs`'],
    [{ windowMs: Infinity }, '`windowMs`: got Infinity; allowed: a finite number > 0'],
    [{ minSamples: 2.5 }, '`minSamples`: got 2.5; allowed: a whole number >= 1'],
    [{ failuresToDegrade: 0 }, '`failuresToDegrade`'],
    [{ successesToRecover: 0 }, '`successesToRecover`'],
    [{ probeEveryMs: Number.NaN }, '`probeEveryMs`'],
    [{ probeTasks: 0 }, '`probeTasks`'],
    [{ slowStartMs: -5 }, '`slowStartMs`'],
    [
      { failuresToDegrade: 3, failuresToUnhealthy: 3 },
      '`failuresToUnhealthy`: got 3; allowed: a whole number > failuresToDegrade (3)',
    ],
    [{ maxErorRate: 0.2 }, '`maxErorRate`: got 0.2; allowed: one of the known options'],
  ])('refuses %j', (options, message) => {
    const attempt = () => resolveHealthOptions(options as never);
    expect(attempt).toThrow(InvalidOptionError);
    expect(attempt).toThrow(message);
  });

  it('names options under their key when given one', () => {
    expect(() => resolveHealthOptions({ maxErrorRate: 2 }, 'health')).toThrow(
      '`health.maxErrorRate`',
    );
  });
});
