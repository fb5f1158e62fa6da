import { InvalidOptionError } from '../errors.js';
import { rejectUnknownOptions } from '../reject-unknown-options.js';
import { exponentialBackoff, type Backoff, type BackoffOptions } from './exponential-backoff.js';
import type { RestartType, SupervisionStrategy } from './supervisor-machine.js';

/**
 * What a run past its timeout does to its worker: nothing (`'fail-task'`: the task fails, the
 * worker goes on) or a crash (`'crash-worker'`: counted towards the restart limits).
 */
export type TimeoutHandling = 'fail-task' | 'crash-worker';

/** How a pool supervises its workers (OTP's supervisor flags and child restart type). */
export interface SupervisionOptions {
  /**
   * Which workers restart when one crashes: only it (`'one-for-one'`), all of them
   * (`'one-for-all'`), or it and those started after it (`'rest-for-one'`).
   * @default 'one-for-one'
   */
  readonly strategy?: SupervisionStrategy;
  /**
   * When a worker is restarted: after any exit (`'permanent'`), only after a crash
   * (`'transient'`), or never (`'temporary'`: the pool shrinks instead).
   * @default 'permanent'
   */
  readonly restart?: RestartType;
  /**
   * Restart intensity: more than `maxRestarts` restarts within `withinMs` fail the pool.
   * @default 5
   */
  readonly maxRestarts?: number;
  /** @default 10_000 */
  readonly withinMs?: number;
  /**
   * Delay between consecutive restarts of the same worker.
   * @default { minMs: 10, maxMs: 5_000, factor: 2, jitter: 0.2 }
   */
  readonly backoff?: BackoffOptions;
  /**
   * A worker that ran this long without crashing restarts with the shortest delay again.
   * @default withinMs
   */
  readonly resetAfterMs?: number;
  /**
   * How long a worker's `setup` may take. Past it, the setup's `signal` aborts and the worker
   * counts as crashed (restarted within the limits above) once the setup has ended, or after as
   * long again if it ignores the signal; a resource it still returns is torn down. Without a
   * limit, a setup that never finishes keeps the pool `starting` for ever, its queue waiting.
   * @default Infinity
   */
  readonly setupTimeoutMs?: number;
  /**
   * What a run past its timeout (`timeoutMs`) does to its worker. Either way its task fails
   * `TaskTimedOut` (or is retried, as `retry` says) and its `ctx.signal` aborts. `'fail-task'`:
   * the worker is not crashed and nothing counts towards `maxRestarts`; an in-process worker's
   * lane leaves the run behind and takes the next task at once (its late answer is dropped),
   * a worker thread is terminated and replaced, uncounted (only that stops its code).
   * `'crash-worker'`: for workers a hang leaves truly stuck: the worker is crashed and
   * restarted within the limits above, and the task gets a quarantine strike.
   * @default 'fail-task'
   */
  readonly timeouts?: TimeoutHandling;
}

/** Supervision options after validation and defaults. */
export interface SupervisionConfig {
  readonly strategy: SupervisionStrategy;
  readonly restart: RestartType;
  readonly maxRestarts: number;
  readonly withinMs: number;
  readonly backoff: Backoff;
  readonly resetAfterMs: number;
  readonly setupTimeoutMs: number;
  readonly timeouts: TimeoutHandling;
}

const STRATEGIES: readonly SupervisionStrategy[] = ['one-for-one', 'one-for-all', 'rest-for-one'];
const RESTARTS: readonly RestartType[] = ['permanent', 'transient', 'temporary'];
const TIMEOUTS: readonly TimeoutHandling[] = ['fail-task', 'crash-worker'];
const KNOWN = [
  'strategy',
  'restart',
  'maxRestarts',
  'withinMs',
  'backoff',
  'resetAfterMs',
  'setupTimeoutMs',
  'timeouts',
];

function oneOf<T extends string>(option: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw new InvalidOptionError(option, value, allowed.map((a) => `'${a}'`).join(' | '));
  }
  return value as T;
}

/** The defaults, resolved once: most pools give no `supervision` (each made its own backoff). */
let defaults: SupervisionConfig | undefined;

/** Validates `createPool({ supervision })` and applies the defaults. */
export function resolveSupervision(options?: SupervisionOptions): SupervisionConfig {
  if (options === undefined) return (defaults ??= Object.freeze(resolveGiven({})));
  return resolveGiven(options);
}

function resolveGiven(options: SupervisionOptions): SupervisionConfig {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('supervision', options, 'an object');
  }
  rejectUnknownOptions('supervision', options, KNOWN);
  const strategy = oneOf('supervision.strategy', options.strategy ?? 'one-for-one', STRATEGIES);
  const restart = oneOf('supervision.restart', options.restart ?? 'permanent', RESTARTS);
  const maxRestarts = options.maxRestarts ?? 5;
  if (
    typeof maxRestarts !== 'number' ||
    !(maxRestarts === Infinity || (Number.isInteger(maxRestarts) && maxRestarts >= 0))
  ) {
    throw new InvalidOptionError(
      'supervision.maxRestarts',
      maxRestarts,
      'a whole number >= 0, or Infinity',
    );
  }
  const withinMs = options.withinMs ?? 10_000;
  if (typeof withinMs !== 'number' || !(withinMs > 0) || !Number.isFinite(withinMs)) {
    throw new InvalidOptionError('supervision.withinMs', withinMs, 'a finite number > 0 (ms)');
  }
  const resetAfterMs = options.resetAfterMs ?? withinMs;
  if (typeof resetAfterMs !== 'number' || !(resetAfterMs >= 0)) {
    throw new InvalidOptionError('supervision.resetAfterMs', resetAfterMs, 'a number >= 0 (ms)');
  }
  const setupTimeoutMs = options.setupTimeoutMs ?? Infinity;
  if (typeof setupTimeoutMs !== 'number' || !(setupTimeoutMs > 0)) {
    throw new InvalidOptionError(
      'supervision.setupTimeoutMs',
      setupTimeoutMs,
      'a number > 0 (ms), or Infinity for no limit',
    );
  }
  const timeouts = oneOf('supervision.timeouts', options.timeouts ?? 'fail-task', TIMEOUTS);
  const backoff = exponentialBackoff(options.backoff ?? {}, 'supervision.backoff');
  return {
    strategy,
    restart,
    maxRestarts,
    withinMs,
    backoff,
    resetAfterMs,
    setupTimeoutMs,
    timeouts,
  };
}
