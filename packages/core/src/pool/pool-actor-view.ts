import type { Observer, SnapshotFrom, Subscription } from 'xstate';
import type { PoolActorRef } from './pool-parts.js';
import type { poolMachine } from './pool-machine.js';

/**
 * The pool's XState actor, read-only: what an inspector needs (its id, snapshots, a
 * subscription to them) and nothing to send it events. The pool handle is the only way to
 * drive a pool; the `inspect` option sees the whole actor tree as it runs.
 */
export interface PoolActorView {
  /** The actor's id: the pool's name (`<name>.<n>` for the n-th pool of that name a system made). */
  readonly id: string;
  /** XState's unique id for this actor in its system (as inspection events name it). */
  readonly sessionId: string;
  /** The pool actor's snapshot now: its state value, status, context and children. */
  getSnapshot(): SnapshotFrom<typeof poolMachine>;
  /** Calls back with each new snapshot of the pool actor. */
  subscribe(observer: Observer<SnapshotFrom<typeof poolMachine>>): Subscription;
  subscribe(
    next?: (snapshot: SnapshotFrom<typeof poolMachine>) => void,
    error?: (error: unknown) => void,
    complete?: () => void,
  ): Subscription;
}

/** A read-only view of `actor` (see `PoolActorView`). */
export function viewOf(actor: PoolActorRef): PoolActorView {
  return Object.freeze({
    id: actor.id,
    sessionId: actor.sessionId,
    getSnapshot: () => actor.getSnapshot(),
    subscribe: actor.subscribe.bind(actor) as PoolActorView['subscribe'],
  });
}
