/**
 * Shared helpers for the reliability suite: counters that must conserve, a record of a pool's
 * events with the virtual time each happened at, legal lifecycle moves, and a seeded PRNG.
 */
import {
  isOk,
  type Pool,
  type PoolEvent,
  type PoolMetrics,
  type PoolState,
  type TaskResult,
  type VirtualClock,
} from '@troupe/core';

/** `submitted = completed + failed + crashed + timedOut + cancelled + dropped + waiting + queued + retrying + active`, none negative. */
export function conservationProblem(m: PoolMetrics): string | undefined {
  const parts = {
    completed: m.completed,
    failed: m.failed,
    crashed: m.crashed,
    timedOut: m.timedOut,
    cancelled: m.cancelled,
    dropped: m.dropped,
    waiting: m.waiting,
    queued: m.queued,
    retrying: m.retrying,
    active: m.active,
  };
  const values = Object.values(parts);
  if ([m.submitted, m.rejected, ...values].some((n) => n < 0))
    return `negative counter in ${JSON.stringify(parts)}`;
  const sum = values.reduce((a, b) => a + b, 0);
  return sum === m.submitted
    ? undefined
    : `submitted ${m.submitted} != ${sum} ${JSON.stringify(parts)}`;
}

/** A pool event and the clock time it was emitted at. */
export interface Seen {
  readonly at: number;
  readonly event: PoolEvent;
}

/** Records every `events$` emission with its clock time. */
export function recordEvents<I, O>(pool: Pool<I, O>, clock: VirtualClock): Seen[] {
  const seen: Seen[] = [];
  pool.events$.subscribe((event) => seen.push({ at: clock.now(), event }));
  return seen;
}

/** The events of one type, narrowed. */
export function ofType<T extends PoolEvent['type']>(
  seen: readonly Seen[],
  type: T,
): { at: number; event: Extract<PoolEvent, { type: T }> }[] {
  return seen.filter((s) => s.event.type === type) as {
    at: number;
    event: Extract<PoolEvent, { type: T }>;
  }[];
}

/**
 * The supervisor's restart decisions: each is one run of consecutive `worker.restarting` events
 * (one per restarted seat), always preceded by the `worker.crashed` that caused it.
 */
export function decisions(seen: readonly Seen[]): { at: number; seats: string[] }[] {
  const out: { at: number; seats: string[] }[] = [];
  let previous: PoolEvent['type'] | undefined;
  for (const { at, event } of seen) {
    if (event.type === 'worker.restarting') {
      if (previous === 'worker.restarting') out[out.length - 1]!.seats.push(event.workerId);
      else out.push({ at, seats: [event.workerId] });
    }
    previous = event.type;
  }
  return out;
}

/** The pool lifecycle moves DESIGN.md §3 allows. */
export const LEGAL_MOVES: ReadonlySet<string> = new Set([
  'stopped>starting',
  'starting>running',
  'starting>closing',
  'starting>failed',
  'running>closing',
  'running>failed',
  'closing>stopped',
  'failed>starting',
  'failed>closing',
]);

/** Illegal moves in a sequence of states. */
export function illegalMoves(states: readonly PoolState[]): string[] {
  const bad: string[] = [];
  for (let i = 1; i < states.length; i++) {
    const move = `${states[i - 1]}>${states[i]}`;
    if (!LEGAL_MOVES.has(move)) bad.push(move);
  }
  return bad;
}

/** The `_tag` of a result's error, or `'ok'`. */
export const tagOf = (r: TaskResult<unknown> | undefined): string =>
  r === undefined ? 'pending' : isOk(r) ? 'ok' : r.left._tag;

/** A small seeded PRNG (mulberry32): numbers in [0, 1), the same for the same seed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What a promise that must have settled by now holds; fails at once (not at the test timeout) if it is pending. */
export async function settled<T>(promise: Promise<T>): Promise<T> {
  const pending = Symbol('pending');
  const tick = new Promise<typeof pending>((resolve) => setImmediate(() => resolve(pending)));
  const value = await Promise.race([promise, tick]);
  if (value === pending) throw new Error('expected the promise to have settled by now');
  return value;
}
