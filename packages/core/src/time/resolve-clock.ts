import { InvalidOptionError } from '../errors.js';
import { systemClock, type Clock } from './clock.js';

/** The `clock` option of a pool or a balancer: the system clock by default, or a checked `Clock`. */
export function resolveClock(given: Clock | undefined): Clock {
  const clock = given ?? systemClock;
  if (
    typeof clock !== 'object' ||
    clock === null ||
    typeof clock.now !== 'function' ||
    typeof clock.setTimeout !== 'function' ||
    typeof clock.clearTimeout !== 'function'
  ) {
    throw new InvalidOptionError(
      'clock',
      clock,
      'an object with now(), setTimeout() and clearTimeout()',
    );
  }
  return clock;
}
