import { InvalidOptionError } from './errors.js';
import { rejectUnknownOptions } from './reject-unknown-options.js';
import type { CloseOptions } from './sink.js';

/** `close()`'s options, checked, with their defaults: one check for every sink (pool, balancer). */
export function checkCloseOptions(options: CloseOptions): {
  abort: boolean;
  timeoutMs: number | undefined;
  cancelQueued: boolean;
} {
  if (typeof options !== 'object' || options === null)
    throw new InvalidOptionError(
      'close options',
      options,
      'an object { abort?, timeoutMs?, cancelQueued? }',
    );
  rejectUnknownOptions('', options, ['abort', 'timeoutMs', 'cancelQueued']);
  const { abort = false, timeoutMs, cancelQueued = false } = options;
  if (typeof abort !== 'boolean') throw new InvalidOptionError('abort', abort, 'true or false');
  if (typeof cancelQueued !== 'boolean')
    throw new InvalidOptionError('cancelQueued', cancelQueued, 'true or false');
  if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && timeoutMs >= 0))
    throw new InvalidOptionError(
      'timeoutMs',
      timeoutMs,
      'a number >= 0 (milliseconds), or Infinity for no deadline',
    );
  return { abort, timeoutMs, cancelQueued };
}
