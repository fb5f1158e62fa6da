import type { PendingTimer } from './pending-timer.js';

/** At most this many timers are listed in a message; the error keeps them all. */
const LISTED = 8;

const list = (timers: readonly PendingTimer[]): string =>
  timers
    .slice(0, LISTED)
    .map((t) => `  - due at ${t.at} ms (set for ${t.delayMs} ms): ${t.label}`)
    .concat(timers.length > LISTED ? [`  … and ${timers.length - LISTED} more`] : [])
    .join('\n');

/**
 * A run of a test clock hit its bound with timers still pending: something keeps setting
 * timers (a metrics interval subscribed to, a watch never stopped, a retry without end).
 */
export class TimersKeepReschedulingError extends Error {
  override readonly name = 'TimersKeepReschedulingError';
  constructor(
    readonly maxSteps: number,
    readonly at: number,
    /** The timers pending when it gave up. */
    readonly pending: readonly PendingTimer[],
    /** How often each timer fired during the run, by label: the ones that keep coming back. */
    readonly fired: ReadonlyMap<string, number>,
  ) {
    const often = [...fired]
      .sort((a, b) => b[1] - a[1])
      .slice(0, LISTED)
      .map(([label, n]) => `  - ${n}× ${label}`)
      .join('\n');
    super(
      `timers kept rescheduling: ${maxSteps} fired and ${pending.length} still pending at ${at} ms ` +
        `(raise maxSteps if this is expected, or close what keeps them going).\n` +
        `Fired most often:\n${often}\nPending:\n${list(pending)}`,
    );
  }
}

/** Test clocks were disposed with timers still pending: a test left a pool or a stream open. */
export class TimerLeakError extends Error {
  override readonly name = 'TimerLeakError';
  constructor(readonly pending: readonly PendingTimer[]) {
    super(
      `${pending.length} timer(s) still pending when the test clocks were disposed ` +
        `(close pools and systems, unsubscribe from metrics$):\n${list(pending)}`,
    );
  }
}

/** `runUntilSettled`: the promise is pending and no timer is left that could settle it. */
export class NeverSettlesError extends Error {
  override readonly name = 'NeverSettlesError';
  constructor(readonly at: number) {
    super(
      `runUntilSettled: the promise is still pending at ${at} ms and no timer is left to settle it`,
    );
  }
}
