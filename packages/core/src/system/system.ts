import type { Observable } from 'rxjs';
import type { Balancer } from '../balancing/balancer.js';
import type { PoolState } from '../pool/pool-events.js';
import type { Pool } from '../pool/pool.js';
import type { CloseOptions } from '../sink.js';
import type {
  BalancerName,
  CheckedSpec,
  PipelineName,
  PoolName,
  SinkInput,
  SinkOutput,
  SystemPipelineInput,
  SystemPipelineOutput,
} from './spec-types.js';
import type { SystemEvent, SystemState } from './system-events.js';
import type { SystemHealthTransition } from './system-health.js';
import type { SystemMetrics } from './system-metrics.js';
import type { SystemPipeline } from './system-pipelines.js';
import type { SystemSpec } from './system-spec.js';

/** A system at one moment: its state, and each member's. */
export interface SystemSnapshot {
  readonly name: string;
  readonly state: SystemState;
  /** Each pool's state, by name, in declaration order. */
  readonly pools: Readonly<Record<string, PoolState>>;
  /** Each balancer's state, by name. */
  readonly balancers: Readonly<Record<string, PoolState>>;
  /** Pipelines, by name, with their stages. */
  readonly pipelines: Readonly<Record<string, readonly string[]>>;
  /** Why the system failed, when it did. */
  readonly failure?: Error;
}

/**
 * A running system of pools, balancers and pipelines, made by `createSystem` from a spec `S`:
 * its members by name (typed from the spec), its lifecycle, its streams.
 */
export interface System<S extends SystemSpec = SystemSpec> {
  readonly name: string;
  /**
   * Starts every pool (in declaration order); resolves once all are running. Rejects with the
   * `SystemFailedError` if the system fails first, with `PoolStateError` once it is closing or
   * closed (a closed system is done for good). Calling it again returns the same promise.
   */
  start(): Promise<void>;
  /** The pool `name`: the same handle `createPool` returns. Throws `RangeError` for no such pool. */
  pool<N extends PoolName<S>>(name: N): Pool<SinkInput<S, N>, SinkOutput<S, N>>;
  /**
   * The balancer `name`. After a `reconfigure` that changed its members, the new balancer: a
   * handle taken before keeps its old members until it has drained (see the composition guide).
   */
  balancer<N extends BalancerName<S>>(name: N): Balancer<SinkInput<S, N>, SinkOutput<S, N>>;
  /** The pipeline `name`. */
  pipeline<N extends PipelineName<S>>(
    name: N,
  ): SystemPipeline<SystemPipelineInput<S, N>, SystemPipelineOutput<S, N>>;
  /** The lifecycle state; the current one on subscribe. Completes when `close()` resolves. */
  readonly state$: Observable<SystemState>;
  /**
   * What happens to the system: its state (first, to each subscriber), each pool's state,
   * restarts, failure, reconfigurations. Completes when `close()` resolves.
   */
  readonly events$: Observable<SystemEvent>;
  /** Every health transition of every balancer member, tagged with both names. */
  readonly health$: Observable<SystemHealthTransition>;
  /**
   * Each pool's and balancer's metrics, and the pools' exact `total` (counters summed,
   * histograms merged): one snapshot on subscribe, then every `metrics.intervalMs`.
   */
  readonly metrics$: Observable<SystemMetrics>;
  getSnapshot(): SystemSnapshot;
  /**
   * Applies a new spec to the system as it runs: validated as a whole first (nothing changes on
   * an `InvalidSystemSpecError`), then the difference — resizes, new pools started, removed ones
   * drained and closed once no balancer routes to them, balancers rebuilt over new members (the
   * old one drained), pools whose worker changed replaced. No accepted task is lost. Resolves
   * with the system, typed by the new spec. Calls run one after another. Rejects with
   * `PoolStateError` while the system is starting, closing, closed or failed.
   */
  reconfigure<const S2 extends SystemSpec>(spec: CheckedSpec<S2>): Promise<System<S2>>;
  /**
   * Closes in reverse dependency order: pipelines stop taking input and finish what they hold,
   * balancers drain and close (outer ones first), then the pools drain and close — each with
   * `options` (a `timeoutMs` bounds the whole). A failed pool closes at once. Calling it again
   * returns the same promise (a later `abort` still applies). Final: streams complete.
   */
  close(options?: CloseOptions): Promise<void>;
}
