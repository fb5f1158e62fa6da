import { InvalidOptionError } from '../errors.js';
import { rejectUnknownOptions } from '../reject-unknown-options.js';
import type { CloseOptions } from '../sink.js';
import type { Member } from './member.js';

/** Checks a balancer's close options as a pool checks its own. */
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

/**
 * Closes the members a balancer owns, with its close options (a deadline less the time the
 * balancer's own drain took: `spentMs`); members already closed resolve at once.
 */
export async function closeMembers(
  members: readonly Member<unknown, unknown>[] | readonly Member<never, never>[],
  options: CloseOptions,
  spentMs = 0,
): Promise<void> {
  const { timeoutMs } = options;
  const left = timeoutMs === undefined ? {} : { timeoutMs: Math.max(0, timeoutMs - spentMs) };
  await Promise.all(
    (members as readonly Member<unknown, unknown>[]).map((m) =>
      m.sink.close({ ...options, ...left }),
    ),
  );
}
