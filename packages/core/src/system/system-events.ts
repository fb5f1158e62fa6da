import type { SystemFailedError } from '../errors.js';
import type { PoolState } from '../pool/pool-events.js';

/** A system's lifecycle state. */
export type SystemState = 'stopped' | 'starting' | 'running' | 'closing' | 'failed';

/** What a reconfigure changed, member by member. */
export interface SystemChanges {
  /** Pools started. */
  readonly added: readonly string[];
  /** Pools drained and closed. */
  readonly removed: readonly string[];
  /** Pools whose size changed (`resize`). */
  readonly resized: readonly string[];
  /** Pools replaced: a new pool started, the old one drained (an option that cannot change live). */
  readonly replaced: readonly string[];
  /** Balancers rebuilt over new members or options; the old one drained. */
  readonly rebalanced: readonly string[];
  /** Balancers added and removed. */
  readonly balancersAdded: readonly string[];
  readonly balancersRemoved: readonly string[];
  /** Pipelines whose stages changed, added or removed. */
  readonly pipelinesChanged: readonly string[];
}

/** What a system's `events$` carries. */
export type SystemEvent =
  /** The state now, first to each subscriber; then each change. */
  | { readonly type: 'system.state'; readonly state: SystemState }
  /** A pool changed state (every pool's every change). */
  | { readonly type: 'pool.state'; readonly pool: string; readonly state: PoolState }
  /** The system will restart `pool` after `delayMs` (its `attempt`-th consecutive restart); `cause` failed. */
  | {
      readonly type: 'pool.restarting';
      readonly pool: string;
      readonly delayMs: number;
      readonly attempt: number;
      readonly cause: unknown;
    }
  /**
   * The system restarted `pool`: started again, its workers restarted (`workers: true`), or,
   * once its own handle closed it, replaced by a new pool from its spec (`replaced: true`).
   */
  | {
      readonly type: 'pool.restarted';
      readonly pool: string;
      readonly workers: boolean;
      readonly replaced?: true;
    }
  /** The system gave up: it closes every member. Told once. */
  | { readonly type: 'system.failed'; readonly error: SystemFailedError }
  /** `reconfigure` applied a spec. */
  | { readonly type: 'system.reconfigured'; readonly changes: SystemChanges };
