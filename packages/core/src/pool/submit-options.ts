import { InvalidOptionError } from '../errors.js';
import { describeValue, isInstance } from '../describe-value.js';
import { resolveRetry, type RetryOptions } from '../supervision/retry-policy.js';
import { sharedPriority, type TaskExtras } from '../engine/task.js';

/** Per-task options for `submit` and `run`. */
export interface SubmitOptions {
  /**
   * Time limit in ms from the moment the task starts running; overrides the pool's `timeoutMs`.
   * @default the pool's timeoutMs
   */
  readonly timeoutMs?: number;
  /** Cancels the task: while queued it never runs; while running it settles at once and `ctx.signal` aborts. */
  readonly signal?: AbortSignal;
  /**
   * Priority level, a whole number `0 … levels-1` (higher runs first); a FIFO queue has the
   * single level 0. Out of range or not an integer: `TaskRejected('invalid-input')`.
   * @default 0
   */
  readonly priority?: number;
  /**
   * The caller's id for this task, unique among the pool's unsettled tasks: `setPriority(id, p)`
   * finds the task by it. A duplicate is `TaskRejected('invalid-input')`.
   */
  readonly id?: string;
  /**
   * Retries for this task, overriding the pool's `retry`.
   * @default the pool's retry
   */
  readonly retry?: RetryOptions;
  /**
   * The task's routing key: a `key-hash` balancer sends every task with the same key to the
   * same member while that member is available. A pool checks it is a string and otherwise
   * ignores it.
   * @default undefined (a key-hash balancer routes the task round-robin)
   */
  readonly key?: string;
}

/**
 * Checks per-task options. Returns the task's extras (`undefined` when it needs none), or a
 * message naming the bad option: the submit then resolves `TaskRejected('invalid-input')`.
 * Unknown keys are not looked for (unlike every other options object): that would be a scan
 * of the keys on every submit that has options, the per-task path of a priority pool.
 */
export function checkSubmitOptions(
  options: SubmitOptions,
  levels: number | undefined,
): TaskExtras | undefined | string {
  if (typeof options !== 'object' || options === null)
    return `submit options must be an object (got ${describeValue(options)})`;
  let read: SubmitOptions;
  try {
    // One read of each option (a getter or a Proxy trap may throw, or answer differently twice).
    const { timeoutMs, signal, priority, id, retry, key } = options;
    // Only a balancer reads the key; a pool checks it so a caller learns of a bad one at once.
    if (key !== undefined && typeof key !== 'string') return checkKey(key);
    read = { timeoutMs, signal, priority, id, retry } as SubmitOptions;
  } catch (error) {
    return `submit options could not be read: ${describeValue(error)}`;
  }
  const { timeoutMs, signal, priority, id, retry } = read;
  if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && timeoutMs > 0)) {
    return `timeoutMs must be a number > 0, or Infinity for no limit (got ${describeValue(timeoutMs)})`;
  }
  if (priority !== undefined && priority !== 0) {
    const problem = checkPriority(priority, levels);
    if (problem !== undefined) return problem;
  }
  const badSignal = checkSignal(signal);
  if (badSignal !== undefined) return badSignal;
  if (id !== undefined && (typeof id !== 'string' || id.length === 0))
    return `id must be a non-empty string (got ${typeof id === 'string' ? "''" : typeof id})`;
  let policy;
  if (retry !== undefined) {
    try {
      policy = resolveRetry(retry, 'retry');
    } catch (error) {
      return isInstance(error, InvalidOptionError)
        ? (error as InvalidOptionError).message
        : describeValue(error);
    }
  }
  if (timeoutMs === undefined && signal === undefined && id === undefined && policy === undefined) {
    // Only a priority: the extras every such task of that level shares (none for level 0).
    return priority === undefined || priority === 0 ? undefined : sharedPriority(priority);
  }
  return {
    signal,
    timeoutMs,
    priority: priority ?? 0,
    id,
    retry: policy,
    onAbort: undefined,
    attempt: 1,
    watch: undefined,
    crashes: 0,
    causes: undefined,
    shared: false,
  };
}

/** A message when `key` is given and is not a string (`undefined` when it is fine). */
export function checkKey(key: unknown): string | undefined {
  return key === undefined || typeof key === 'string'
    ? undefined
    : `key must be a string (got ${describeValue(key)})`;
}

/** A message when `signal` is given and is not an `AbortSignal`. */
export function checkSignal(signal: unknown): string | undefined {
  return signal === undefined || isInstance(signal, AbortSignal)
    ? undefined
    : 'signal must be an AbortSignal';
}

/** What `priority` may be in a priority queue with `levels` levels (`undefined`: a FIFO queue). */
export function priorityRange(levels: number | undefined): string {
  return levels === undefined
    ? "0 (a FIFO queue has the single level 0; use queue: { kind: 'priority', levels })"
    : `a whole number from 0 to ${levels - 1} (queue.levels is ${levels})`;
}

/** A message when `priority` is not a level of a queue with `levels` levels (`undefined`: FIFO). */
export function checkPriority(priority: unknown, levels: number | undefined): string | undefined {
  if (
    typeof priority === 'number' &&
    Number.isInteger(priority) &&
    priority >= 0 &&
    priority < (levels ?? 1)
  )
    return undefined;
  return `priority ${describeValue(priority)} is out of range: allowed is ${priorityRange(levels)}`;
}

/** Throws `InvalidOptionError` unless `inputs` (of `submitMany`) is iterable. */
export function checkInputs(inputs: unknown): void {
  if (
    inputs === null ||
    inputs === undefined ||
    typeof (inputs as Partial<Iterable<unknown>>)[Symbol.iterator] !== 'function'
  ) {
    throw new InvalidOptionError(
      'inputs',
      inputs,
      'an iterable of inputs (an array, a Set, a generator)',
    );
  }
}
