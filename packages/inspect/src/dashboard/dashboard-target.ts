/**
 * What a dashboard shows: a pool, a balancer, or a system — as far as the dashboard reads them
 * (their streams, snapshots and the calls its controls make). Told apart by what each alone has
 * (a system's `pool` and `balancer` lookups, a balancer's `recheck`, a pool's `resize`), since a
 * system's members are the same handles `createPool` and `createBalancer` return.
 */
import { isObservable, type Observable } from 'rxjs';
import {
  InvalidOptionError,
  type Balancer,
  type CloseOptions,
  type Pool,
  type PoolSnapshot,
  type SystemEvent,
  type SystemHealthTransition,
  type SystemMetrics,
  type SystemSnapshot,
  type SystemState,
} from '@troupe/core';

/** What the dashboard reads of a pool, and calls on it (any `Pool` is one). */
export interface DashboardPool {
  readonly name: string;
  readonly state$: Pool<never, unknown>['state$'];
  readonly events$: Pool<never, unknown>['events$'];
  readonly metrics$: Pool<never, unknown>['metrics$'];
  readonly actor: Pool<never, unknown>['actor'];
  getSnapshot(): PoolSnapshot;
  pause(): unknown;
  resume(): unknown;
  resize(size: number): Promise<void>;
  close(options?: CloseOptions): Promise<void>;
}

/** What the dashboard reads of a balancer (any `Balancer` is one). */
export type DashboardBalancer = Pick<
  Balancer<never, unknown>,
  'name' | 'state$' | 'metrics$' | 'health$' | 'getSnapshot'
>;

/** What the dashboard reads of a system (any `System` is one). */
export interface DashboardSystem {
  readonly name: string;
  readonly state$: Observable<SystemState>;
  readonly events$: Observable<SystemEvent>;
  readonly health$: Observable<SystemHealthTransition>;
  readonly metrics$: Observable<SystemMetrics>;
  getSnapshot(): SystemSnapshot;
  pool(name: string): DashboardPool;
  balancer(name: string): DashboardBalancer;
}

/** Anything `serveDashboard` shows: a pool, a balancer or a system. */
export type DashboardTarget = DashboardPool | DashboardBalancer | DashboardSystem;

/** The target, with its kind. */
export type KnownTarget =
  | { readonly kind: 'pool'; readonly pool: DashboardPool }
  | { readonly kind: 'balancer'; readonly balancer: DashboardBalancer }
  | { readonly kind: 'system'; readonly system: DashboardSystem };

const ALLOWED = 'a pool (createPool), a balancer (createBalancer) or a system (createSystem)';

export function classifyTarget(target: unknown): KnownTarget {
  if (typeof target !== 'object' || target === null) {
    throw new InvalidOptionError('target', target, ALLOWED);
  }
  const t = target as Record<string, unknown>;
  const streams = isObservable(t['state$']) && isObservable(t['metrics$']);
  const named = typeof t['name'] === 'string';
  const has = (key: string): boolean => typeof t[key] === 'function';
  if (!streams || !named || !has('getSnapshot')) {
    throw new InvalidOptionError('target', target, ALLOWED);
  }
  if (has('pool') && has('balancer') && isObservable(t['events$'])) {
    return { kind: 'system', system: target as DashboardSystem };
  }
  if (has('recheck') && isObservable(t['health$'])) {
    return { kind: 'balancer', balancer: target as DashboardBalancer };
  }
  if (has('resize') && isObservable(t['events$']) && typeof t['actor'] === 'object') {
    return { kind: 'pool', pool: target as DashboardPool };
  }
  throw new InvalidOptionError('target', target, ALLOWED);
}
