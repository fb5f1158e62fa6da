import type { Subscription } from 'rxjs';
import type { PoolMetrics } from '../metrics/metrics.js';
import type { PoolState } from '../pool/pool-events.js';
import type { TaskSink } from '../sink.js';
import type { MemberView } from './strategy.js';

/**
 * One member as the balancer keeps it: the sink, and the view strategies read (mutated in place
 * by the balancer, read-only to them). Depends only on the sink's `state$` and `getSnapshot()`.
 */
export class Member<TInput, TOutput> implements MemberView {
  state: PoolState = 'stopped';
  size = 1;
  inFlight = 0;
  queueUtilisation = 0;
  errorRate = 0;
  latencyMs = 0;
  /** Its `state$` completed: it was closed, for good. */
  left = false;
  /** It refused a task for a full queue; offered again once one of ours settles there, or at the next refresh. */
  full = false;
  /** Its metrics at the last refresh. */
  metrics: PoolMetrics | undefined;
  #ended = 0;
  #errors = 0;
  #subscription: Subscription | undefined;

  constructor(
    readonly index: number,
    readonly name: string,
    readonly sink: TaskSink<TInput, TOutput>,
  ) {}

  /** Follows the member's state; `changed` is called after each change and when it leaves. */
  follow(changed: () => void): void {
    this.#subscription = this.sink.state$.subscribe({
      next: (state) => {
        if (state === this.state) return;
        this.state = state;
        this.full = false;
        changed();
      },
      complete: () => {
        this.left = true;
        this.state = 'stopped';
        changed();
      },
      // A sink's state$ does not fail; if one does, treat the member as gone.
      error: () => {
        this.left = true;
        changed();
      },
    });
  }

  unfollow(): void {
    this.#subscription?.unsubscribe();
  }

  /** Reads the member's snapshot: size and live figures (error rate since the last refresh). */
  refresh(): void {
    this.full = false;
    let snapshot;
    try {
      snapshot = this.sink.getSnapshot();
    } catch {
      return; // A sink that cannot report now keeps its last figures.
    }
    const m = snapshot.metrics;
    this.metrics = m;
    this.size = Math.max(1, snapshot.size);
    const capacity = this.sink.capacity;
    this.queueUtilisation =
      capacity > 0 && capacity < Infinity ? Math.min(1, (m.queued + m.waiting) / capacity) : 0;
    const errors = m.failed + m.crashed + m.timedOut;
    const ended = m.completed + errors;
    const recent = ended - this.#ended;
    if (recent > 0) this.errorRate = (errors - this.#errors) / recent;
    this.#ended = ended;
    this.#errors = errors;
    this.latencyMs = m.latency.p90;
  }

  /** Why it cannot take a task now, for a refusal's message. */
  why(available: boolean): string {
    if (this.left) return `${this.name} is closed`;
    if (this.state !== 'running') return `${this.name} is ${this.state}`;
    if (!available) return `${this.name} is unavailable (isAvailable)`;
    return `${this.name} refused it (queue full)`;
  }
}

/** Why a task is refused: no member can take it (each says why) and the queue is full. */
export function refusal<TInput, TOutput>(
  balancer: string,
  members: readonly Member<TInput, TOutput>[],
  available: (member: Member<TInput, TOutput>) => boolean,
  capacity: number,
): string {
  const why = members.map((m) => m.why(available(m))).join(', ');
  const head = members.some((m) => m.state === 'running' && !m.left)
    ? `no member of balancer '${balancer}' can take the task: ${why}`
    : `no member of balancer '${balancer}' is running: ${why}`;
  return capacity === 0 ? head : `${head}; and its queue is full (capacity ${capacity})`;
}
