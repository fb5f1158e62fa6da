import type { Member } from './member.js';

/** A refusal names at most this many members, then says how many more there are. */
const NAMED = 10;

/**
 * Why a task is refused: no member can take it — each says why, the first ten of them by name —
 * and, with a queue, the queue is full. The head says what is missing: a member running, a
 * running member healthy enough to take tasks, or any member able to take this one.
 */
export function refusal<TInput, TOutput>(
  balancer: string,
  members: readonly Member<TInput, TOutput>[],
  available: (member: Member<TInput, TOutput>) => boolean,
  capacity: number,
): string {
  let running = 0;
  let blocked = 0;
  for (const m of members) {
    if (m.left || m.state !== 'running') continue;
    running++;
    if (m.health?.blocked === true) blocked++;
  }
  const named = members.slice(0, NAMED).map((m) => m.why(available(m)));
  if (members.length > NAMED) named.push(`and ${members.length - NAMED} more`);
  const why = named.join(', ');
  const missing =
    running === 0 ? 'is running' : blocked === running ? 'is healthy' : 'can take the task';
  const head = `no member of balancer '${balancer}' ${missing}: ${why}`;
  return capacity === 0 ? head : `${head}; and its queue is full (capacity ${capacity})`;
}
