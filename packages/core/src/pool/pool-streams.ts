import { BehaviorSubject, Observable, distinctUntilChanged, type Subject } from 'rxjs';
import type { PoolMetrics } from '../metrics/metrics.js';
import type { Clock } from '../time/clock.js';
import type { PoolEvent, PoolState } from './pool-events.js';

/** Where the streams read a pool from. */
export interface StreamSources {
  /** The engine's `events$` Subject: `pool.state` events are told into it too. */
  readonly events: Subject<PoolEvent>;
  readonly clock: Clock;
  /** How often `metrics$` emits (`metrics.intervalMs`). */
  readonly intervalMs: number;
  /** The pool's metrics now. */
  readonly metrics: () => PoolMetrics;
  /** Whether the close is final (streams subscribed from then on end at once). */
  readonly closed: () => boolean;
}

/**
 * The pool handle's own streams: `state$` (lifecycle), `events$` (told first where the pool is)
 * and `metrics$` (a timer per subscriber, none without one), and their completion when the
 * pool's close is final. `results$` and `deadLetters$` are the engine's (or the batcher's)
 * Subjects as they are. Each observable is made when first asked for: most of 10,000 small
 * pools are never watched, and theirs were a tenth of what such a pool held.
 */
export class PoolStreams {
  readonly #state = new BehaviorSubject<PoolState>('stopped');
  /** The state of the last `pool.state` event on `events$`: what a new subscriber is told first. */
  #announced: PoolState = 'stopped';
  /** Ends each live `metrics$` subscription (final snapshot, timer cleared, complete); made at the first. */
  #metricsSubscribers: Set<() => void> | undefined;
  readonly #sources: StreamSources;
  #state$: Observable<PoolState> | undefined;
  #events$: Observable<PoolEvent> | undefined;
  #metrics$: Observable<PoolMetrics> | undefined;

  constructor(sources: StreamSources) {
    this.#sources = sources;
  }

  get state$(): Observable<PoolState> {
    if (this.#state$ !== undefined) return this.#state$;
    const { closed } = this.#sources;
    // A BehaviorSubject once complete gives a new subscriber no value: the last state comes first.
    const state = this.#state;
    return (this.#state$ = new Observable<PoolState>((subscriber) => {
      if (!closed()) return state.subscribe(subscriber);
      subscriber.next(state.value);
      subscriber.complete();
      return undefined;
    }).pipe(distinctUntilChanged()));
  }

  get events$(): Observable<PoolEvent> {
    const events = this.#sources.events;
    // Told first where the pool is, then everything after: the state is the last one announced,
    // so one who subscribes between a state change and its event misses nothing and sees no repeat.
    return (this.#events$ ??= new Observable<PoolEvent>((subscriber) => {
      subscriber.next({ type: 'pool.state', state: this.#announced });
      return subscriber.closed ? undefined : events.subscribe(subscriber);
    }));
  }

  get metrics$(): Observable<PoolMetrics> {
    const { clock, intervalMs, metrics, closed } = this.#sources;
    return (this.#metrics$ ??= new Observable<PoolMetrics>((subscriber) => {
      if (closed()) {
        subscriber.next(metrics());
        subscriber.complete();
        return undefined;
      }
      let handle: unknown;
      const tick = (): void => {
        subscriber.next(metrics());
        handle = clock.setTimeout(tick, intervalMs);
      };
      const end = (): void => {
        clock.clearTimeout(handle);
        subscriber.next(metrics());
        subscriber.complete();
      };
      (this.#metricsSubscribers ??= new Set<() => void>()).add(end);
      tick();
      return () => {
        clock.clearTimeout(handle);
        this.#metricsSubscribers?.delete(end);
      };
    }));
  }

  /** The top-level state last entered. */
  get state(): PoolState {
    return this.#state.value;
  }

  /** The pool entered `state`: `state$` emits it and `events$` tells a `pool.state`. */
  enter(state: PoolState): void {
    this.#state.next(state);
    this.#announced = state;
    const events = this.#sources.events;
    if (events.observed) events.next({ type: 'pool.state', state });
  }

  /** The close is final: each `metrics$` subscriber gets its last snapshot, `state$` completes. */
  complete(): void {
    const subscribers = this.#metricsSubscribers;
    if (subscribers !== undefined) {
      for (const end of [...subscribers]) end();
      subscribers.clear();
    }
    this.#state.complete();
  }
}
