/** `createPipeline` checks its stages and options, naming the one that is wrong. */
import { of } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createPipeline, createPool, InvalidOptionError, type PipelineOptions } from '@troupe/core';

const pool = createPool({ name: 'p', worker: async (n: number) => n });

function optionOf(call: () => unknown): { option: string; message: string } {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionError);
    const { option, message } = error as InvalidOptionError;
    return { option, message };
  }
  throw new Error('did not throw');
}

describe('createPipeline options', () => {
  it('maxInFlight is a whole number >= 1', () => {
    for (const bad of [0, -1, 1.5, Infinity, Number.NaN, '4']) {
      const { option, message } = optionOf(() =>
        createPipeline([pool], { maxInFlight: bad as number }),
      );
      expect(option).toBe('maxInFlight');
      expect(message).toContain('a whole number >= 1');
    }
    expect(optionOf(() => createPipeline([pool], { maxInFlight: 0 })).message).toBe(
      'invalid option `maxInFlight`: got 0; allowed: a whole number >= 1',
    );
    expect(createPipeline([pool], { maxInFlight: 3 }).maxInFlight).toBe(3);
  });

  it('unknown options are refused, with the likely one', () => {
    const { option, message } = optionOf(() =>
      createPipeline([pool], { maxInflight: 3 } as PipelineOptions),
    );
    expect(option).toBe('maxInflight');
    expect(message).toContain('did you mean `maxInFlight`?');
  });

  it('name and ordered are checked; the defaults hold', () => {
    expect(optionOf(() => createPipeline([pool], { name: '' })).option).toBe('name');
    expect(optionOf(() => createPipeline([pool], { ordered: 'yes' as never })).option).toBe(
      'ordered',
    );
    expect(optionOf(() => createPipeline([pool], null as never)).option).toBe('options');
    const p = createPipeline([pool]);
    expect([p.name, p.ordered, p.maxInFlight]).toEqual(['pipeline', false, undefined]);
  });

  it('stages: a non-empty array of sinks', () => {
    expect(optionOf(() => createPipeline([] as never)).option).toBe('stages');
    expect(optionOf(() => createPipeline('p' as never)).option).toBe('stages');
    const { option, message } = optionOf(() => createPipeline([pool, { submit: 1 }] as never));
    expect(option).toBe('stages[1]');
    expect(message).toContain('a sink');
  });

  it('process takes an Observable, an iterable or an async iterable', () => {
    const p = createPipeline([pool]);
    expect(optionOf(() => p.process(42 as never)).option).toBe('source');
    expect(() => p.process(of(1))).not.toThrow();
    expect(() => p.process([1, 2])).not.toThrow();
  });
});
