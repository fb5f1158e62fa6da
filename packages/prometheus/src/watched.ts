/**
 * One name the exporter exports: the source behind it now, read at each scrape, and what it
 * exported so far. A closed source leaves its last figures; a new source of the same name takes
 * over its series and counts on from them.
 */
import type { Observable, Subscription } from 'rxjs';
import type { PoolMetrics, PoolState } from '@troupe/core';
import type { SourceKind, SourceSnapshot } from './reading.js';
import { Tally } from './tally.js';

/**
 * What `watch` takes: anything with a name and a `metrics$` — a pool, a balancer, or a stream of
 * metrics made elsewhere. With `getSnapshot` it is read at each scrape (a pool, a balancer); with
 * none, its latest `metrics$` snapshot is. `state$` completing (or, without `getSnapshot`,
 * `metrics$` completing) tells that it closed: its last figures are kept and the source let go.
 */
export interface Watchable {
  readonly name?: string;
  readonly metrics$: Observable<PoolMetrics>;
  readonly state$?: Observable<PoolState>;
  getSnapshot?(): SourceSnapshot;
}

const ignore = (): void => undefined;

/** One exported name and the source behind it. */
export class Watched {
  readonly kind: SourceKind;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly tally: Tally;
  /** Which `watch` call follows the source now: an older one's unwatch does nothing. */
  token: object = {};
  #source: Watchable | undefined;
  /** The source followed last, held weakly: watching it again after its close changes nothing. */
  #previous: WeakRef<Watchable> | undefined;
  /** The last snapshot read: what a closed source (or one that cannot report now) shows. */
  #last: SourceSnapshot | undefined;
  /** The last state `state$` told (for sources without `getSnapshot`). */
  #state: PoolState | undefined;
  #subscriptions: Subscription[] = [];

  constructor(kind: SourceKind, name: string, tally: Tally) {
    this.kind = kind;
    this.name = name;
    this.labels = Object.freeze({ [kind]: name });
    this.tally = tally;
  }

  /** Whether a source is behind the name and has not closed. */
  get live(): boolean {
    return this.#source !== undefined;
  }

  /** Follows `source` from now on; a source taking over the name counts from 0. */
  follow(source: Watchable): void {
    this.token = {};
    // The same source again (closed, or it would not be refused): its figures are counted already.
    if (this.#previous?.deref() === source) return;
    this.tally.restart();
    this.#last = undefined;
    this.#state = undefined;
    this.#previous = new WeakRef(source);
    this.#source = source;
    const closed = (): void => this.#closed(source);
    const { state$ } = source;
    const snapshots = source.getSnapshot !== undefined;
    // With snapshots, state$ ending tells the close; without, metrics$ ending does (after its
    // last emission), and state$ only tells the state.
    if (!snapshots) {
      this.#keep(
        source,
        source.metrics$.subscribe({
          next: (metrics) => (this.#last = { metrics }),
          error: closed,
          complete: closed,
        }),
      );
    }
    if (state$ !== undefined && this.#source === source) {
      this.#keep(
        source,
        state$.subscribe({
          next: (state) => (this.#state = state),
          error: snapshots ? closed : ignore,
          complete: snapshots ? closed : ignore,
        }),
      );
    }
  }

  /** What the source tells now; `undefined` when it has told nothing yet. */
  read(): SourceSnapshot | undefined {
    const source = this.#source;
    if (source?.getSnapshot !== undefined) {
      try {
        this.#last = source.getSnapshot();
      } catch {
        // A source that cannot report now (a remote pool out of reach): its last figures.
      }
      return this.#last;
    }
    const last = this.#last;
    if (last === undefined || last.state !== undefined || this.#state === undefined) return last;
    return { ...last, state: this.#state };
  }

  /** Stops following the source (unwatched, or the exporter closed). */
  stop(): void {
    this.#source = undefined;
    const subscriptions = this.#subscriptions;
    this.#subscriptions = [];
    for (const subscription of subscriptions) subscription.unsubscribe();
  }

  /** The source closed: its final figures are kept, the source let go. */
  #closed(source: Watchable): void {
    if (this.#source !== source) return;
    this.read();
    this.stop();
  }

  /** Keeps `subscription` until the source is let go (at once when it already is). */
  #keep(source: Watchable, subscription: Subscription): void {
    if (this.#source === source) this.#subscriptions.push(subscription);
    else subscription.unsubscribe();
  }
}
