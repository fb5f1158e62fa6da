/**
 * A watched system: its pools and balancers, each exported under its name in the system (the
 * `pool` or `balancer` label), followed as they come and go. Nothing is subscribed per member:
 * at each scrape the system's snapshot says which members it has now, and the handle behind each
 * name is asked for; a replaced member (a restart after its handle was closed, a `reconfigure`)
 * takes over its name's series once the old one has closed, so counters go on rather than start
 * again; a removed member's series leave.
 */
import type { Observable, Subscription } from 'rxjs';
import type { SourceKind } from './reading.js';
import type { Watchable } from './watched.js';

/** What `watch` takes as a system: a `createSystem` system, or anything shaped like one. */
export interface WatchableSystem {
  readonly name: string;
  /** Completes once the system is closed. */
  readonly state$: Observable<unknown>;
  getSnapshot(): {
    readonly pools: Readonly<Record<string, unknown>>;
    readonly balancers: Readonly<Record<string, unknown>>;
  };
  pool(name: string): Watchable;
  balancer(name: string): Watchable;
}

/** Whether `source` is a system (it has members to look up), not a pool or a balancer. */
export function isSystem(source: unknown): source is WatchableSystem {
  if (typeof source !== 'object' || source === null) return false;
  const s = source as Partial<Record<keyof WatchableSystem, unknown>>;
  return (
    typeof s.pool === 'function' &&
    typeof s.balancer === 'function' &&
    typeof s.getSnapshot === 'function'
  );
}

/** Watches one member under a name; returns its unwatch (throws while the name is taken). */
export type WatchMember = (source: Watchable, name: string, kind: SourceKind) => () => void;

interface Followed {
  readonly source: Watchable;
  readonly unwatch: () => void;
}

export class WatchedSystem {
  readonly #members = new Map<string, Followed>();
  readonly #subscription: Subscription;
  #closed = false;
  #stopped = false;

  constructor(
    readonly system: WatchableSystem,
    private readonly watchMember: WatchMember,
  ) {
    // Closed: its members are closed too, and keep their last figures; nothing new comes.
    const closed = (): void => {
      this.reconcile();
      this.#closed = true;
    };
    this.#subscription = system.state$.subscribe({ complete: closed, error: closed });
  }

  /** Brings the members watched in line with the system's members now. */
  reconcile(): void {
    if (this.#closed || this.#stopped) return;
    let snapshot: ReturnType<WatchableSystem['getSnapshot']>;
    try {
      snapshot = this.system.getSnapshot();
    } catch {
      return; // A system that cannot report now: its members as they were.
    }
    const now = new Set<string>();
    this.#follow('pool', Object.keys(snapshot.pools), now);
    this.#follow('balancer', Object.keys(snapshot.balancers), now);
    for (const [key, followed] of this.#members) {
      if (now.has(key)) continue;
      followed.unwatch();
      this.#members.delete(key);
    }
  }

  #follow(kind: SourceKind, names: readonly string[], now: Set<string>): void {
    for (const name of names) {
      const key = `${kind}:${name}`;
      now.add(key);
      let source: Watchable;
      try {
        source = kind === 'pool' ? this.system.pool(name) : this.system.balancer(name);
      } catch {
        continue; // Named in the snapshot but not to be had now (being replaced).
      }
      const had = this.#members.get(key);
      if (had?.source === source) continue;
      try {
        this.#members.set(key, { source, unwatch: this.watchMember(source, name, kind) });
      } catch {
        // The member it replaces still drains under the name: taken over at a later scrape.
      }
    }
  }

  /** Stops following the system and unwatches its members (their series leave). */
  stop(): void {
    this.#stopped = true;
    this.#subscription.unsubscribe();
    for (const followed of this.#members.values()) followed.unwatch();
    this.#members.clear();
  }
}
