import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { SHARE_ENV, type ResourceLimits } from 'node:worker_threads';
import { InvalidOptionError, rejectUnknownOptions } from '@troupe/core';

/** How `fromWorkerThread` runs its threads. */
export interface ThreadOptions {
  /**
   * The worker module's export to run: a (sync or async) function `(input, ctx) => output`,
   * ESM or CommonJS (`module.exports = fn`, TypeScript's `exports.default = fn`), or a promise
   * of one (awaited once, at load). `callExport(name, input)` runs another export per task.
   * @default 'default'
   */
  readonly export?: string;
  /**
   * Heap and stack limits of each thread (`new Worker(…, { resourceLimits })`). A thread past
   * its heap limit dies: its task ends `WorkerCrashed` with `oom: true`, and it is restarted.
   * @default undefined (Node's defaults)
   */
  readonly resourceLimits?: ResourceLimits;
  /**
   * Tasks in flight on one thread at once. Left out, it adapts, up to 64: the thread measures
   * how long its tasks take and gets about one running plus as many as it runs in a millisecond
   * (many tiny tasks, batched; two ~1 ms ones), and when it has been in one task far longer than
   * usual while another thread has room, the tasks sent behind it that it has not started go
   * back to the front of the pool's queue for that thread. Given, exactly that many, as before:
   * above 1 the thread gets the next inputs while it works on the current ones, so round trips
   * overlap and batch, and async tasks run interleaved; behind one that spins the others wait
   * (and may time out with it). Either way tasks in flight on a thread share its fate: when the
   * thread dies or is replaced they stop; only the run to blame is charged, the others go back
   * to the front of the queue (see the threads guide).
   * @default adaptive, at most 64 (`DEFAULT_CONCURRENCY`)
   */
  readonly concurrency?: number;
  /**
   * How long a teardown waits for `worker.terminate()`. Past it the teardown ends anyway and
   * the thread counts as leaked in `threadStats()`. `Infinity` waits as long as it takes.
   * @default 1_000
   */
  readonly terminateTimeoutMs?: number;
  /**
   * A value every thread gets, read by the worker module as Node's own `workerData` (`import
   * { workerData } from 'node:worker_threads'`) — configuration, a path to load at start. It is
   * copied into each thread (structured clone), so it must be cloneable; checked here.
   * @default undefined
   */
  readonly workerData?: unknown;
  /**
   * The environment each thread sees as `process.env` (`new Worker(…, { env })`): an object of
   * strings (a copy per thread), or `SHARE_ENV` from `node:worker_threads` to share the
   * process's own, changes included.
   * @default undefined (a copy of the process's `process.env` as it is when the thread starts)
   */
  readonly env?: Readonly<Record<string, string>> | typeof SHARE_ENV;
  /**
   * Strings appended to `process.argv` in each thread (`new Worker(…, { argv })`).
   * @default undefined (none)
   */
  readonly argv?: readonly string[];
  /**
   * Node options of each thread (`new Worker(…, { execArgv })`), instead of the process's own.
   * Node refuses options a thread cannot take (process-wide ones such as
   * `--max-old-space-size`): then the pool fails at start, with Node's error as the cause.
   * @default undefined (the process's `execArgv`, as far as a thread can take them)
   */
  readonly execArgv?: readonly string[];
}

/**
 * The default upper bound of runs in flight on a thread: where echo tasks stop getting faster
 * (32 → 64 still gains on the benchmarks' VM, beyond it nothing measurable), while each lane
 * costs the pool a slot (a few hundred bytes a thread) and the thread a table entry.
 */
const DEFAULT_CONCURRENCY = 64;

/** Thread options after validation and defaults. */
export interface ThreadConfig {
  /** The worker module's URL, as the thread imports it. */
  readonly href: string;
  readonly exportName: string;
  readonly resourceLimits: ResourceLimits | undefined;
  readonly concurrency: number;
  /** `concurrency` was left to its default: the runs in flight follow the runs' length, up to it. */
  readonly adaptive: boolean;
  readonly terminateTimeoutMs: number;
  readonly workerData: unknown;
  readonly env: Readonly<Record<string, string>> | typeof SHARE_ENV | undefined;
  readonly argv: readonly string[] | undefined;
  readonly execArgv: readonly string[] | undefined;
}

const KNOWN = [
  'export',
  'resourceLimits',
  'concurrency',
  'terminateTimeoutMs',
  'workerData',
  'env',
  'argv',
  'execArgv',
];
const LIMITS = [
  'maxOldGenerationSizeMb',
  'maxYoungGenerationSizeMb',
  'codeRangeSizeMb',
  'stackSizeMb',
];

/** The worker module as a URL: a URL as it is, a `file:`/`data:` URL string, or a file path. */
function moduleHref(module: unknown): string {
  if (module instanceof URL) return module.href;
  if (typeof module !== 'string' || module.length === 0) {
    throw new InvalidOptionError(
      'module',
      module,
      'a URL (new URL("./task.mjs", import.meta.url)) or a file path string',
    );
  }
  return /^(file|data):/i.test(module) ? module : pathToFileURL(resolve(module)).href;
}

function checkLimits(limits: unknown): ResourceLimits | undefined {
  if (limits === undefined) return undefined;
  if (typeof limits !== 'object' || limits === null) {
    throw new InvalidOptionError('resourceLimits', limits, `an object with ${LIMITS.join(', ')}`);
  }
  rejectUnknownOptions('resourceLimits', limits, LIMITS);
  for (const [key, value] of Object.entries(limits)) {
    if (value !== undefined && !(typeof value === 'number' && value > 0 && value < Infinity)) {
      throw new InvalidOptionError(`resourceLimits.${key}`, value, 'a finite number > 0 (MB)');
    }
  }
  return limits;
}

function checkEnv(env: unknown): ThreadConfig['env'] {
  if (env === undefined || env === SHARE_ENV) return env;
  const allowed = "an object whose values are strings, or SHARE_ENV from 'node:worker_threads'";
  if (typeof env !== 'object' || env === null || Array.isArray(env)) {
    throw new InvalidOptionError('env', env, allowed);
  }
  for (const [key, value] of Object.entries(env)) {
    if (typeof value !== 'string') throw new InvalidOptionError(`env.${key}`, value, 'a string');
  }
  return { ...(env as Record<string, string>) };
}

function checkStrings(option: string, list: unknown): readonly string[] | undefined {
  if (list === undefined) return undefined;
  if (!Array.isArray(list)) throw new InvalidOptionError(option, list, 'an array of strings');
  list.forEach((item: unknown, i) => {
    if (typeof item !== 'string') throw new InvalidOptionError(`${option}[${i}]`, item, 'a string');
  });
  return [...(list as string[])];
}

/** Validates `fromWorkerThread`'s arguments and applies the defaults; throws `InvalidOptionError` naming the first bad one. */
export function resolveThreadOptions(module: unknown, options: unknown): ThreadConfig {
  const href = moduleHref(module);
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('options', options, `an object with ${KNOWN.join(', ')}`);
  }
  rejectUnknownOptions('', options, KNOWN);
  const given = options as ThreadOptions;
  const exportName = given.export ?? 'default';
  if (typeof exportName !== 'string' || exportName.length === 0) {
    throw new InvalidOptionError(
      'export',
      exportName,
      "a non-empty string: the name of the module's exported function",
    );
  }
  const concurrency = given.concurrency ?? DEFAULT_CONCURRENCY;
  if (
    typeof concurrency !== 'number' ||
    !Number.isInteger(concurrency) ||
    concurrency < 1 ||
    concurrency > 1_024
  ) {
    // The same bound as the pool's `worker.concurrency`, so the error names this option.
    throw new InvalidOptionError('concurrency', concurrency, 'a whole number from 1 to 1024');
  }
  const terminateTimeoutMs = given.terminateTimeoutMs ?? 1_000;
  if (typeof terminateTimeoutMs !== 'number' || !(terminateTimeoutMs > 0)) {
    throw new InvalidOptionError(
      'terminateTimeoutMs',
      terminateTimeoutMs,
      'a number > 0 (milliseconds), or Infinity to wait as long as it takes',
    );
  }
  const resourceLimits = checkLimits(given.resourceLimits);
  const workerData = given.workerData;
  try {
    structuredClone(workerData);
  } catch (error) {
    throw new InvalidOptionError(
      'workerData',
      workerData,
      `a value that can be structured-cloned into a thread (no functions, symbols or objects holding them): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return {
    href,
    exportName,
    resourceLimits,
    concurrency,
    adaptive: given.concurrency === undefined,
    terminateTimeoutMs,
    workerData,
    env: checkEnv(given.env),
    argv: checkStrings('argv', given.argv),
    execArgv: checkStrings('execArgv', given.execArgv),
  };
}
