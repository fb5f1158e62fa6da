/** The pool machine's guards: what its transitions ask of its context, its seats and the event. */
import { isInstance } from '../describe-value.js';
import { UnrecoverableError } from '../errors.js';
import type { PoolActionArgs } from './pool-machine-types.js';

/** Every seat has a ready worker. (A dynamic pool with min 0 starts with no worker: it is ready at once.) */
export function allReady({ context }: PoolActionArgs): boolean {
  const seats = context.effects.seats;
  return (seats.size > 0 || context.size === 0) && context.effects.readyCount() >= seats.size;
}

/** No worker actor is left in the seat table. */
export function noWorkers({ context }: PoolActionArgs): boolean {
  return context.effects.seats.workerCount === 0;
}

/** A close that aborts. */
export function abort({ event }: PoolActionArgs): boolean {
  return event.type === 'pool.close' && event.abort;
}

/**
 * The last worker is gone for good: a pool that may not be empty has failed (one whose `min`
 * is 0 just shrinks to none, and demand starts a worker again).
 */
export function lastSeat({ context, event }: PoolActionArgs): boolean {
  return (
    event.type === 'supervisor.forget' &&
    context.effects.seats.soleSeat() === event.id &&
    !context.effects.mayBeEmpty()
  );
}

/** The last worker is gone for good, whatever the pool's `min` (a draining pool grows no more). */
export function soleSeatGone({ context, event }: PoolActionArgs): boolean {
  return event.type === 'supervisor.forget' && context.effects.seats.soleSeat() === event.id;
}

/**
 * A worker that cannot work however often it is restarted (a module that cannot be loaded):
 * restarting it would only spend the restart limit first.
 */
export function unrecoverable({ event }: PoolActionArgs): boolean {
  return event.type === 'worker.crashed' && isInstance(event.cause, UnrecoverableError);
}
