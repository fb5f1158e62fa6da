import type { PoolMachineEvent } from './pool-machine-types.js';
import type { SeatTable } from './seat-table.js';

/**
 * The event that restarts every worker of a starting or running pool, as its own supervisor
 * restarts them all under `one-for-all`: each worker is stopped (its teardown runs; a task
 * running on it ends `WorkerCrashed` with `cause`, or is retried as its retry policy says) and
 * its seat gets a new worker through the clock (its setup runs again). Queued tasks stay queued
 * and go to the new workers. Nothing counts towards the pool's own restart limit: the restart
 * is its parent's decision (a system restarting a pool with a failed sibling, under
 * `one-for-all` or `rest-for-one`), not a crash. It is the decision the pool machine already
 * carries out for its supervisor, so the pool has one way of restarting workers. `undefined`
 * when the pool has no seat.
 */
export function restartWorkersEvent(
  seats: Pick<SeatTable, 'seats'>,
  cause: unknown,
): Extract<PoolMachineEvent, { type: 'supervisor.restart' }> | undefined {
  const all = [...seats.seats()];
  const first = all[0];
  if (first === undefined) return undefined;
  return {
    type: 'supervisor.restart',
    id: first,
    ids: all,
    stop: all,
    delayMs: 0,
    attempt: 1,
    cause,
  };
}
