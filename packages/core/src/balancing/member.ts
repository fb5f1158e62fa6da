import type { Subscription } from 'rxjs';
import type { PoolMetrics } from '../metrics/metrics.js';
import type { PoolState } from '../pool/pool-events.js';
import {
  SUBMIT_VIA,
  SUBMIT_WITH,
  type SettleWatch,
  type SettlingSink,
  type SinkSnapshot,
  type TaskSink,
  type WatchedSink,
} from '../sink.js';
import type { MemberHealth } from './member-health.js';
import type { MemberView } from './strategy.js';

/** The balancer's refresh count, shared by its members: figures read in an older one are stale. */
export interface FiguresEpoch {
  value: number;
}

/**
 * One member as the balancer keeps it: the sink, and the view strategies read (mutated in place
 * by the balancer, read-only to them). Its live figures are read from the sink's snapshot when a
 * strategy first asks for one after a refresh, so members no strategy looks at cost nothing.
 * Depends only on the sink's `state$` and `getSnapshot()`.
 */
export class Member<TInput, TOutput> implements MemberView {
  state: PoolState = 'stopped';
  inFlight = 0;
  /** Its `state$` completed: it was closed, for good. */
  left = false;
  /** It refused a task for a full queue; offered again once one of ours settles there, or at the next refresh. */
  full = false;
  /** Its health watch, when the balancer has `health` on. */
  health: MemberHealth | undefined;
  /** Its last metrics, read when it left (a live member's are read when needed, not kept). */
  metrics: PoolMetrics | undefined;
  #size = 1;
  #queueUtilisation = 0;
  #errorRate = 0;
  #latencyMs = 0;
  /** The refresh its figures were read in (-1: never). */
  #readIn = -1;
  #ended = 0;
  #errors = 0;
  #subscription: Subscription | undefined;
  readonly #epoch: FiguresEpoch;
  /** The sink, when it takes tasks with a settle callback (`SUBMIT_WITH`): a pool does. */
  readonly settling: SettlingSink<TInput, TOutput> | undefined;
  /** The sink, when it takes tasks with a watch (`SUBMIT_VIA`): a pool does. */
  readonly watched: WatchedSink<TInput, TOutput> | undefined;
  /** The balancer's watch over the tasks it sends here with `SUBMIT_VIA` (made at the first). */
  watch: SettleWatch | undefined;

  constructor(
    readonly index: number,
    readonly name: string,
    readonly sink: TaskSink<TInput, TOutput>,
    epoch: FiguresEpoch,
  ) {
    this.#epoch = epoch;
    this.settling =
      typeof (sink as Partial<SettlingSink<TInput, TOutput>>)[SUBMIT_WITH] === 'function'
        ? (sink as TaskSink<TInput, TOutput> & SettlingSink<TInput, TOutput>)
        : undefined;
    this.watched =
      typeof (sink as Partial<WatchedSink<TInput, TOutput>>)[SUBMIT_VIA] === 'function'
        ? (sink as TaskSink<TInput, TOutput> & WatchedSink<TInput, TOutput>)
        : undefined;
  }

  get size(): number {
    if (this.#readIn !== this.#epoch.value) this.refresh();
    return this.#size;
  }

  get queueUtilisation(): number {
    if (this.#readIn !== this.#epoch.value) this.refresh();
    return this.#queueUtilisation;
  }

  get errorRate(): number {
    if (this.#readIn !== this.#epoch.value) this.refresh();
    return this.#errorRate;
  }

  get latencyMs(): number {
    if (this.#readIn !== this.#epoch.value) this.refresh();
    return this.#latencyMs;
  }

  /**
   * Follows the member's state; `changed(was, wasLeft)` is called after each change (with what
   * it was before) and when it leaves.
   */
  follow(changed: (was: PoolState, wasLeft: boolean) => void): void {
    this.#subscription = this.sink.state$.subscribe({
      next: (state) => {
        const was = this.state;
        if (state === was) return;
        this.state = state;
        this.full = false;
        changed(was, false);
      },
      complete: () => this.#leave(changed),
      // A sink's state$ does not fail; if one does, treat the member as gone.
      error: () => this.#leave(changed),
    });
  }

  #leave(changed: (was: PoolState, wasLeft: boolean) => void): void {
    if (this.left) return;
    const was = this.state;
    try {
      this.metrics = this.sink.getSnapshot().metrics;
    } catch {
      // A sink that cannot report: its figures are left out of the balancer's totals.
    }
    this.left = true;
    this.state = 'stopped';
    changed(was, false);
  }

  unfollow(): void {
    this.#subscription?.unsubscribe();
  }

  /** Reads the member's snapshot now, for its figures; `undefined` when the sink cannot report. */
  refresh(): SinkSnapshot | undefined {
    this.#readIn = this.#epoch.value;
    let snapshot;
    try {
      snapshot = this.sink.getSnapshot();
    } catch {
      return undefined; // A sink that cannot report now keeps its last figures.
    }
    // Numbers only are kept: a member holds no snapshot alive, so that sampling thousands of
    // members leaves the young generation nothing to copy.
    const m = snapshot.metrics;
    this.#size = Math.max(1, snapshot.size);
    const capacity = this.sink.capacity;
    this.#queueUtilisation =
      capacity > 0 && capacity < Infinity ? Math.min(1, (m.queued + m.waiting) / capacity) : 0;
    const errors = m.failed + m.crashed + m.timedOut;
    const ended = m.completed + errors;
    const recent = ended - this.#ended;
    if (recent > 0) this.#errorRate = (errors - this.#errors) / recent;
    this.#ended = ended;
    this.#errors = errors;
    this.#latencyMs = m.latency.p90;
    return snapshot;
  }

  /** Why it cannot take a task now, for a refusal's message. */
  why(available: boolean): string {
    if (this.left) return `${this.name} is closed`;
    if (this.state !== 'running') return `${this.name} is ${this.state}`;
    const health = this.health?.why();
    if (health !== undefined && this.health!.blocked) return `${this.name} ${health}`;
    if (!available) return `${this.name} is unavailable (isAvailable)`;
    if (this.full) return `${this.name} refused it (queue full)`;
    if (health !== undefined) return `${this.name} ${health}`;
    return `${this.name} refused it`;
  }
}
