/**
 * The pool machine's actions towards its supervisor: made at the first crash of each start of
 * the pool, told of crashes, its restart decisions carried out (later, through the clock), seats
 * it forgets, and giving up.
 */
import { cancel, raise, stopChild } from 'xstate';
import { describeValue } from '../describe-value.js';
import { PoolFailedError } from '../errors.js';
import type { SupervisorEvent } from '../supervision/supervisor-machine.js';
import {
  enqueuePoolActions,
  type PoolContext,
  type PoolMachineEvent,
} from './pool-machine-types.js';

/** Reports to the supervisor, unless it has already given up (escalated: a final state). */
export function tellSupervisor(context: PoolContext, event: SupervisorEvent): void {
  const supervisor = context.supervisor;
  if (supervisor !== undefined && supervisor.getSnapshot().status === 'active')
    supervisor.send(event);
}

/** Why a pool gives up, from the event that made it. */
function failureOf(context: PoolContext, event: PoolMachineEvent): PoolFailedError {
  const { name, supervision } = context;
  if (event.type === 'supervisor.escalate')
    return new PoolFailedError(name, event.error.restarts, event.error.withinMs, event.error.cause);
  if (event.type === 'worker.crashed')
    return new PoolFailedError(
      name,
      0,
      supervision.withinMs,
      event.cause,
      `pool '${name}' failed: worker ${event.id} cannot work, and a restart cannot help: ${describeValue(event.cause)}`,
    );
  return new PoolFailedError(
    name,
    0,
    supervision.withinMs,
    undefined,
    `pool '${name}' failed: no workers left (restart: '${supervision.restart}')`,
  );
}

/**
 * A fresh seat list for this life of the pool, and no supervisor until a crash needs one (see
 * `workerCrashedSupervised`): an actor and the events telling it of every worker were much of
 * what starting a small pool cost, and most pools never see a crash.
 */
export const begin = enqueuePoolActions(({ context, enqueue }) => {
  if (context.supervisor !== undefined) enqueue(stopChild(context.supervisor));
  const seats = context.effects.seats;
  enqueue(() => seats.clearSeats());
  enqueue.assign({
    supervisor: undefined,
    size: context.requestedSize,
    epoch: context.epoch + 1,
    failure: undefined,
  });
});

/**
 * Settles a crash, and tells the supervisor when a wanted seat lost its worker unplanned. The
 * first crash of this life of the pool makes the supervisor, given the seats in start order:
 * it would have heard of each as it was added, and of nothing else before a crash.
 */
export const workerCrashedSupervised = enqueuePoolActions(({ context, event, enqueue }) => {
  if (event.type !== 'worker.crashed') return;
  if (context.supervisor === undefined) {
    const startOrder = [...context.effects.seats.seats()];
    enqueue.assign(({ spawn }) => ({
      supervisor: spawn('supervisor', {
        // One id for every pool: its final state sends the pool `xstate.done.actor.<id>`,
        // and XState caches transitions per event type for good.
        id: 'supervisor',
        input: { ...context.supervision, clock: context.clock, random: context.random, startOrder },
      }),
    }));
  }
  // Given the context as assigned above: the supervisor, made or not.
  enqueue(({ context: now }) => {
    const unplanned = now.effects.crashed(event.id, event.cause);
    const seats = now.effects.seats;
    const seat = seats.seatOf(event.id);
    if (!unplanned || seat === undefined || !seats.has(seat)) return;
    tellSupervisor(now, { type: 'child.exited', id: seat, abnormal: true, cause: event.cause });
  });
});

/** Carries out a restart decision: stop the siblings now, start the seats after the delay. */
export const restart = enqueuePoolActions(({ context, event, enqueue }) => {
  if (event.type !== 'supervisor.restart') return;
  const { effects } = context;
  const cause = new Error(`restarted with ${event.id} (${context.supervision.strategy})`, {
    cause: event.cause,
  });
  enqueue(() => {
    for (const seat of event.stop) effects.stopSeat(seat, cause);
    for (const seat of event.ids) {
      effects.emit({
        type: 'worker.restarting',
        workerId: seat,
        delayMs: event.delayMs,
        attempt: event.attempt,
      });
    }
  });
  const id = `respawn.${context.respawnsMade + 1}`;
  enqueue.assign({
    respawnsMade: context.respawnsMade + 1,
    pendingRespawns: [...context.pendingRespawns, id],
  });
  const respawn = {
    type: 'seats.respawn' as const,
    seats: event.ids,
    epoch: context.epoch,
    delayId: id,
  };
  // Always through the clock, even with no delay: a restart yields to the event loop, so
  // that a setup failing at once with no backoff cannot restart in microtasks forever
  // (starving timers, I/O and close()). With an id, so that stopping can cancel it.
  enqueue(raise(respawn, { delay: event.delayMs, id }));
});

/** Cancels every delayed restart still pending: a stopped or failed pool keeps no timer. */
export const cancelRespawns = enqueuePoolActions(({ context, enqueue }) => {
  if (context.pendingRespawns.length === 0) return;
  for (const id of context.pendingRespawns) enqueue(cancel(id));
  enqueue.assign({ pendingRespawns: [] });
});

/**
 * The supervisor will not restart a seat (restart type): the pool keeps one seat less. The
 * size asked for (`requestedSize`) stays: `getSnapshot().size` of a fixed pool shows it.
 */
export const forgetSeat = enqueuePoolActions(({ context, event, enqueue }) => {
  const seats = context.effects.seats;
  if (event.type !== 'supervisor.forget' || !seats.has(event.id)) return;
  const seat = event.id;
  enqueue(() => seats.removeSeat(seat));
  enqueue.assign({ size: seats.size - 1 });
});

/** Gives up: refuse submits, reject what waits, cancel what runs, stop every worker. */
export const fail = enqueuePoolActions(({ context, event, enqueue }) => {
  const failure = failureOf(context, event);
  enqueue.assign({ failure });
  const { effects } = context;
  enqueue(() => {
    effects.refuse('pool-failed', failure.message, failure);
    effects.rejectQueued('pool-failed', failure.message, failure);
    effects.abortAll(failure);
    effects.stopAll();
    effects.emit({ type: 'pool.failed', error: failure });
  });
});
