/**
 * What `createSystem` takes: pools, balancers over them and pipelines through them, declared
 * as data (plus the worker functions), with the system's supervision. The types that flow from
 * a spec (each pool's input and output, a pipeline's chain) are in `spec-types.ts`.
 */
import type { InspectionEvent, Observer } from 'xstate';
import type { BalancerOptions } from '../balancing/balancer-options.js';
import type { BatchPoolOptions, PoolOptions } from '../pool/options.js';
import type { BackoffOptions } from '../supervision/exponential-backoff.js';
import type { SupervisionStrategy } from '../supervision/supervisor-machine.js';
import type { Clock } from '../time/clock.js';

/** Options a pool entry may not carry: the system gives them (its key is the name). */
export type SystemSetPoolOption = 'name' | 'clock' | 'inspect';

/** One pool of a system: `createPool`'s options, less its name (the key), clock and inspect (the system's). */
export type PoolEntry<TInput = never, TOutput = unknown, TResource = unknown> = Omit<
  PoolOptions<TInput, TOutput, TResource>,
  SystemSetPoolOption
>;

/** One batch pool of a system: `createPool`'s batch options, less name, clock and inspect. */
export type BatchPoolEntry<TInput = never, TOutput = unknown, TResource = unknown> = Omit<
  BatchPoolOptions<TInput, TOutput, TResource>,
  SystemSetPoolOption
>;

/** Options a balancer entry may not carry: the system gives them (`pools` are names here). */
export type SystemSetBalancerOption = 'name' | 'clock' | 'owns' | 'pools' | 'isAvailable';

/** One balancer of a system: `createBalancer`'s options (`health` included), its members named. */
export interface BalancerEntry<TName extends string = string> extends Omit<
  BalancerOptions<unknown, unknown>,
  SystemSetBalancerOption
> {
  /** Its members, by name: pools or other balancers of the same system (no cycle). */
  readonly pools: readonly TName[];
}

/** How the system restarts its pools: OTP's flags, over the pools in declaration order. */
export interface SystemSupervisionOptions {
  /**
   * Which pools restart when one fails: only it (`'one-for-one'`), all of them
   * (`'one-for-all'`), or it and the pools declared after it (`'rest-for-one'`).
   * @default 'one-for-one'
   */
  readonly strategy?: SupervisionStrategy;
  /**
   * Restart intensity: more than `maxRestarts` pool failures within `withinMs` fail the system.
   * @default 3
   */
  readonly maxRestarts?: number;
  /** @default 60_000 */
  readonly withinMs?: number;
  /**
   * Delay before a pool's restart, growing with consecutive failures of that pool.
   * @default { minMs: 100, maxMs: 10_000, factor: 2, jitter: 0.2 }
   */
  readonly backoff?: BackoffOptions;
  /**
   * A pool that ran this long since its last restart starts a fresh backoff series.
   * @default withinMs
   */
  readonly resetAfterMs?: number;
}

/** Anything a pool entry can be, as far as a spec's shape goes. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a worker of any input (contravariant)
export type AnyPoolEntry = PoolEntry<any, any, any> | BatchPoolEntry<any, any, any>;

/** A whole system: pools, and the balancers and pipelines over them. */
export interface SystemSpec {
  /**
   * Names the system in messages, events and its actor's id.
   * @default 'system'
   */
  readonly name?: string;
  /** The pools, by name (no `.` in a name). Started in this order, restarted in this order. */
  readonly pools: Readonly<Record<string, AnyPoolEntry>>;
  /** Balancers over pools (and over other balancers), by name. */
  readonly balancers?: Readonly<Record<string, BalancerEntry>>;
  /**
   * Pipelines, by name: the stages (pools or balancers) each item goes through in turn, each
   * stage's output the next one's input.
   */
  readonly pipelines?: Readonly<Record<string, readonly string[]>>;
  /** How the system restarts pools that fail. */
  readonly supervision?: SystemSupervisionOptions;
  /**
   * The clock of the system and of every member (pools may not have their own).
   * @default systemClock
   */
  readonly clock?: Clock;
  /** An XState inspection observer for the whole actor tree: the system, its pools, their workers. */
  readonly inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /** `system.metrics$`: how often it emits, in ms. */
  readonly metrics?: { readonly intervalMs?: number };
  /**
   * Source of randomness for restart jitter, numbers in [0, 1).
   * @default Math.random
   */
  readonly random?: () => number;
}
