import { BehaviorSubject, Observable, Subject, distinctUntilChanged } from 'rxjs';
import type { Clock } from '../time/clock.js';
import type { SystemEvent, SystemState } from './system-events.js';
import type { SystemHealthTransition } from './system-health.js';
import { systemMetrics$, type MetricsSources, type SystemMetrics } from './system-metrics.js';

/**
 * A system's streams: `state$`, `events$` (told first where the system is), `health$` and
 * `metrics$`, and their completion when the system's close is final — each stream subscribed
 * after that gives its last value (if it has one) and completes.
 */
export class SystemStreams {
  readonly state$: Observable<SystemState>;
  readonly events$: Observable<SystemEvent>;
  readonly health$: Observable<SystemHealthTransition>;
  readonly metrics$: Observable<SystemMetrics>;
  /** Where balancer members' health transitions are told. */
  readonly healthIn = new Subject<SystemHealthTransition>();
  readonly #state = new BehaviorSubject<SystemState>('stopped');
  readonly #events = new Subject<SystemEvent>();
  readonly #metricsEnds = new Set<() => void>();
  #ended = false;

  constructor(sources: MetricsSources, clock: Clock, intervalMs: number) {
    const state = this.#state;
    this.state$ = new Observable<SystemState>((subscriber) => {
      if (!this.#ended) return state.subscribe(subscriber);
      subscriber.next(state.value);
      subscriber.complete();
      return undefined;
    }).pipe(distinctUntilChanged());
    this.events$ = new Observable<SystemEvent>((subscriber) => {
      subscriber.next({ type: 'system.state', state: state.value });
      if (this.#ended) {
        subscriber.complete();
        return undefined;
      }
      return this.#events.subscribe(subscriber);
    });
    this.health$ = new Observable<SystemHealthTransition>((subscriber) => {
      if (this.#ended) {
        subscriber.complete();
        return undefined;
      }
      return this.healthIn.subscribe(subscriber);
    });
    this.metrics$ = systemMetrics$(
      sources,
      clock,
      intervalMs,
      () => this.#ended,
      (end) => {
        this.#metricsEnds.add(end);
        return () => this.#metricsEnds.delete(end);
      },
    );
  }

  /** The state last entered. */
  get state(): SystemState {
    return this.#state.value;
  }

  /** The system entered `state`: `state$` emits it, `events$` tells it. */
  enter(state: SystemState): void {
    this.#state.next(state);
    this.#events.next({ type: 'system.state', state });
  }

  /** Tells `events$`. */
  emit(event: SystemEvent): void {
    if (!this.#ended) this.#events.next(event);
  }

  /** The close is final: every stream completes (`metrics$` subscribers get a last snapshot). */
  complete(): void {
    if (this.#ended) return;
    this.#ended = true;
    for (const end of [...this.#metricsEnds]) end();
    this.#metricsEnds.clear();
    this.#state.complete();
    this.#events.complete();
    this.healthIn.complete();
  }
}
