import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '@troupe/core';
import { resolveThreadOptions } from '../src/thread-options.js';

const module = new URL('data:text/javascript,export default (n) => n');

function thrown(options: unknown): InvalidOptionError {
  try {
    resolveThreadOptions(module, options);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionError);
    return error as InvalidOptionError;
  }
  throw new Error('did not throw');
}

describe('fromWorkerThread options', () => {
  it('refuse an unknown key in the words every options object uses', () => {
    const error = thrown({ concurency: 4 });
    expect(error.option).toBe('concurency');
    expect(error.allowed).toBe(
      'one of the known options: export, resourceLimits, concurrency, terminateTimeoutMs, workerData, env, argv, execArgv (did you mean `concurrency`?)',
    );
  });

  it('refuse an unknown key of resourceLimits, with its path', () => {
    const error = thrown({ resourceLimits: { maxOldGenerationSize: 64 } });
    expect(error.option).toBe('resourceLimits.maxOldGenerationSize');
    expect(error.message).toBe(
      'invalid option `resourceLimits.maxOldGenerationSize`: got 64; allowed: one of the known options of resourceLimits: maxOldGenerationSizeMb, maxYoungGenerationSizeMb, codeRangeSizeMb, stackSizeMb (did you mean `maxOldGenerationSizeMb`?)',
    );
  });
});
