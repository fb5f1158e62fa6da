/** A timer set on a test clock and not fired or cleared yet. */
export interface PendingTimer {
  /** What `setTimeout` returned for it. */
  readonly handle: unknown;
  /** When it falls due, in clock time (ms). */
  readonly at: number;
  /** The delay it was set with (ms). */
  readonly delayMs: number;
  /**
   * What set it: the callback's name and, for timers set while `runUntilIdle` or
   * `runUntilSettled` runs (or on a clock made with `{ sites: true }`), where it was set.
   */
  readonly label: string;
}

/** Frames of a stack trace that belong to the clocks themselves, not to whoever set the timer. */
const OWN_FRAMES =
  /[\\/]test-clock\.[jt]s|[\\/]time[\\/]clock\.[jt]s|node:internal|^\s*at new Promise/;

/** How many frames outside the clock a site shows: enough to tell a metrics interval from a backoff. */
const SITE_FRAMES = 3;

/**
 * Where a timer was set, from a stack trace taken in `setTimeout`: the first frames outside
 * the clock, shortened to `function (file:line)`.
 */
export function timerSite(stack: string | undefined): string | undefined {
  if (stack === undefined) return undefined;
  const frames = stack
    .split('\n')
    .slice(1)
    .filter((line) => line.trimStart().startsWith('at ') && !OWN_FRAMES.test(line))
    .slice(0, SITE_FRAMES)
    .map(shortFrame);
  return frames.length === 0 ? undefined : frames.join(' < ');
}

/** `at Foo.bar (/long/path/packages/core/src/x.ts:12:5)` → `Foo.bar (core/src/x.ts:12)`. */
function shortFrame(line: string): string {
  const text = line.trim().replace(/^at /, '');
  const match = /^(.*?)\s*\(?((?:file:\/\/)?[^()\s]+?):(\d+):\d+\)?$/.exec(text);
  if (match === null) return text;
  const [, fn, file = '', row] = match;
  const parts = file.split(/[\\/]/);
  const short = parts.slice(Math.max(0, parts.length - 3)).join('/');
  return `${fn === undefined || fn === '' ? '<anonymous>' : fn} (${short}:${row})`;
}

/** A timer in words: its callback's name (or `anonymous`), and where it was set when known. */
export function timerLabel(callback: () => void, site: string | undefined): string {
  const name = callback.name === '' ? 'anonymous' : callback.name;
  return site === undefined ? name : `${name} set at ${site}`;
}
