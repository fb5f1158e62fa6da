import type { VirtualClock } from '@troupe/core';
import type { TestTask } from './behaviour.js';
import type { Load } from './arbitraries/arb-load.js';

/**
 * Plays a {@link Load} on a virtual clock: each burst submitted at once (`submit` per task, ids
 * from `firstId` on), then time moved by its gap. Resolves with what `submit` returned, in order:
 * e.g. the result promises, to await once the clock has run the rest.
 *
 * @example
 * const results = await playLoad(load, clock, (task) => pool.submit(task));
 * await clock.runUntilSettled(pool.close());
 */
export async function playLoad<R>(
  load: Load,
  clock: VirtualClock,
  submit: (task: TestTask) => R,
  firstId = 1,
): Promise<R[]> {
  const out: R[] = [];
  let id = firstId;
  for (const arrival of load) {
    for (const behaviour of arrival.tasks) out.push(submit({ id: id++, behaviour }));
    await clock.advance(arrival.gapMs);
  }
  return out;
}
