import type { CloseOptions } from '../sink.js';
import type { Member } from './member.js';

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
