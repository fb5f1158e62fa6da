import type { Clock } from './clock.js';

/**
 * The clock with timers that do not keep the process alive: for timers that watch rather than
 * work (a health watch, a balancer sampling its members), so that a script ends by itself.
 */
export function unrefTimers(clock: Clock): Clock {
  return {
    now: () => clock.now(),
    setTimeout: (callback, delayMs) => {
      const timer = clock.setTimeout(callback, delayMs);
      (timer as { unref?: () => void } | undefined)?.unref?.();
      return timer;
    },
    clearTimeout: (timer) => clock.clearTimeout(timer),
  };
}
