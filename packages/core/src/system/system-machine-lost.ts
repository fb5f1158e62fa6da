/**
 * The system machine's actions for a pool closed through its own handle (`system.pool(x).close()`):
 * such a pool is lost — a closed pool's actor cannot start again — so the system replaces it with a
 * new pool from its spec, in the same supervisor seat. While the system is starting or running the
 * close is an exit for the supervisor like a failure, under the same limits; a system not started
 * yet replaces it at once, counting nothing.
 */
import { PoolClosedError } from '../errors.js';
import { tell } from './system-machine-actions.js';
import {
  enqueueSystemActions,
  type SystemContext,
  type SystemMachineEvent,
} from './system-machine-types.js';

/** The close is of a pool the system supervises now (its current actor), not lost already, in a system not closed. */
export function closedOutside({
  context,
  event,
}: {
  context: SystemContext;
  event: SystemMachineEvent;
}): boolean {
  if (event.type !== 'pool.closed' || context.closed) return false;
  const { name, id } = event;
  return context.ids[name] === id && context.pools.includes(name) && !context.lost.includes(name);
}

/** The pool is lost: it waits for its replacement. */
export const markLost = enqueueSystemActions(({ context, event, enqueue }) => {
  if (event.type !== 'pool.closed') return;
  enqueue.assign({ lost: [...context.lost, event.name] });
});

/** A system not started yet replaces a lost pool at once (no restart: nothing ran). */
export const replaceLost = enqueueSystemActions(({ context, event, enqueue }) => {
  if (event.type !== 'pool.closed') return;
  const { effects } = context;
  const { name } = event;
  enqueue(() => effects.replacePool(name));
});

/**
 * A supervised pool was closed through its own handle: an abnormal exit for the supervisor, as a
 * failure is (its decision comes as `supervisor.restart`, carried out by a replacement, or as
 * `supervisor.escalate`). A pool that had failed already is counted once: its restart, still to
 * come, replaces it.
 */
export const exitClosed = enqueueSystemActions(({ context, event, enqueue }) => {
  if (event.type !== 'pool.closed' || context.states[event.name] === 'failed') return;
  const { name } = event;
  const cause = new PoolClosedError(
    `pool '${name}' was closed through its own handle, not by system '${context.name}' (close the system, or reconfigure without the pool)`,
  );
  enqueue.assign({ lastFailure: { pool: name, cause } });
  enqueue(() => tell(context, { type: 'child.exited', id: name, abnormal: true, cause }));
});

/** The replacement of a lost pool is ready: its actor is spawned in the lost one's place (the old one stops once closed: `pool.gone`). */
export const respawnPool = enqueueSystemActions(({ context, event, enqueue }) => {
  if (event.type !== 'pool.respawn' || !context.lost.includes(event.name)) return;
  const { name } = event;
  const { id, input } = context.effects.poolActor(name);
  const previous = context.ids[name];
  enqueue.spawnChild('pool', { id, input });
  enqueue.assign({
    lost: context.lost.filter((p) => p !== name),
    leaving: previous === undefined ? context.leaving : [...context.leaving, previous],
    ids: { ...context.ids, [name]: id },
    states: { ...context.states, [name]: 'stopped' },
  });
});
