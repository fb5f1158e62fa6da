/** The `submitMany` tests' pool: doubles its input after a delay of virtual time. */
import { createPool, type OverflowPolicy, type VirtualClock } from '@troupe/core';
import { after } from './virtual-time.js';

/** A pool on the virtual clock whose worker doubles its input after `delay(n)` ms. */
export function slowDoubler(
  clock: VirtualClock,
  delay: (n: number) => number,
  extra: { size?: number; capacity?: number; overflow?: OverflowPolicy } = {},
) {
  return createPool({
    worker: (n: number) => after(clock, delay(n), n * 2),
    size: extra.size ?? 1,
    queue: { capacity: extra.capacity ?? 10_000, overflow: extra.overflow ?? 'reject' },
    clock,
  });
}
