/**
 * What a balancing strategy is: a small pure function from the members that can take a task
 * now, the task's routing key and a sequence number, to the index of the member that gets it
 * (piscina's balancer is the same shape: `(task, workers) => decision`).
 */
import type { PoolState } from '../pool/pool-events.js';

/** What a strategy sees of one member: enough to choose, nothing to drive it. */
export interface MemberView {
  /** The member's position in the balancer's `pools` (stable: static weights are by it). */
  readonly index: number;
  /** Its key in a `pools` record, else its own `name`. */
  readonly name: string;
  /** Its lifecycle state (`running` for every member a strategy is offered). */
  readonly state: PoolState;
  /**
   * Workers it runs at once (its snapshot's `size`, read at most once a refresh: see below; at
   * least 1). The live figures — this, `queueUtilisation`, `errorRate`, `latencyMs` — are read from
   * the member's snapshot the first time a strategy asks for one after each refresh (every
   * `intervalMs`), so a strategy that never reads them costs no snapshot.
   */
  readonly size: number;
  /** Tasks this balancer routed to it that have not settled yet (queued or running there). */
  readonly inFlight: number;
  /** Its queue's fill when last read: `(queued + waiting) / capacity`, 0…1 (0 for an unbounded queue). */
  readonly queueUtilisation: number;
  /** Share of its runs that ended in an error between its last two reads, 0…1. */
  readonly errorRate: number;
  /** p90 time to value of its completed runs when last read, in ms (0 before any). */
  readonly latencyMs: number;
}

/** What a strategy knows of the task being routed. */
export interface RouteTask {
  /** The submit's `key` option. */
  readonly key?: string | undefined;
}

/** What a strategy may use besides the members and the task. */
export interface RouteState {
  /** How many routing decisions this balancer made before this one: 0, 1, 2, … */
  readonly seq: number;
  /** A number in [0, 1): the balancer's `random` option (`Math.random` by default). */
  readonly random: () => number;
  /**
   * Names the contents of `members`: the same number means the same members in the same order,
   * with the same figures. It changes when a member comes or goes, when one is left out of a
   * decision, and at every refresh. A strategy may cache what it computes from `members` under it
   * (the array is one the balancer keeps up to date in place: its identity says nothing).
   */
  readonly version: number;
}

/**
 * Chooses a member for a task: returns an index into `members`, which holds the members that can
 * take a task now (running, not refusing for a full queue, not kept out by their health), in no
 * particular order, and is never empty. The member chosen then passes its gates — `isAvailable`,
 * a probe slot or the slow-start share — or is left out, and the strategy is asked again. A
 * strategy must not keep state between calls beyond a cache of what it computes from its
 * arguments (under `state.version`; the sequence number stands in for a cursor), so that the
 * same inputs give the same member. Its cost is paid on every task: over thousands of members,
 * keep it from scanning them all (see `keyHash`, `weighted`).
 */
export type Strategy = (
  members: readonly MemberView[],
  task: RouteTask,
  state: RouteState,
) => number;

/** The built-in strategies by name. */
export type StrategyName =
  'round-robin' | 'weighted' | 'least-loaded' | 'power-of-two-choices' | 'key-hash';

/** The names `strategy` takes, in the order error messages list them. */
export const STRATEGY_NAMES: readonly StrategyName[] = [
  'round-robin',
  'weighted',
  'least-loaded',
  'power-of-two-choices',
  'key-hash',
];

/** A member's load: what it has in flight from this balancer per worker. */
export const loadOf = (member: MemberView): number => member.inFlight / member.size;
