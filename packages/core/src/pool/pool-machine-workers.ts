/**
 * The pool machine's actions on its workers: new worker actors for seats (filling the size,
 * restarting, replacing), and what their reports (ready, replacing, crashed, stopped) change.
 */
import { createActor, raise, stopChild, type AnyActorRef } from 'xstate';
import { workerMachine, type WorkerInput } from '../worker/worker-machine.js';
import { tellSupervisor } from './pool-machine-supervision.js';
import { enqueuePoolActions, type PoolActionArgs, type PoolContext } from './pool-machine-types.js';

/**
 * What a new worker actor is started with. Its callback closes over the effects alone, never
 * over `context`: a context holds the pool's supervisor and earlier snapshots, so a worker
 * holding it would keep them reachable (memory growing with each restart).
 */
function workerInput(context: PoolContext, id: string): WorkerInput {
  const effects = context.effects;
  return {
    id,
    runs: effects,
    logic: context.logic,
    clock: context.clock,
    setupTimeoutMs: context.supervision.setupTimeoutMs,
    lateTeardownFailed: (error) => effects.lateTeardownFailed(id, error),
  };
}

/** A worker actor made for a seat, not yet started. */
interface NewWorker {
  readonly seat: string;
  readonly id: string;
  readonly generation: number;
  readonly ref: AnyActorRef;
}

/**
 * Makes the next worker actor for `seat`, the `offset`-th new one there (not started). Made while
 * actions resolve, as XState's `spawnChild` makes a child, and started by `launch` when they
 * execute (XState warns of an actor made inside a custom action). Workers are actors of the
 * pool's system with the pool as parent (they report to it), but not in its snapshot's
 * `children`: XState copies that record for every child stopped, which made a close quadratic
 * in the pool's size. The pool stops each worker itself (`stopChild` with the ref: see
 * `workerStopped`, `forgetWorkers`).
 */
function makeWorker(context: PoolContext, self: AnyActorRef, seat: string): NewWorker {
  const { id, generation } = context.effects.seats.upcomingWorker(seat);
  const ref = createActor(workerMachine, { id, parent: self, input: workerInput(context, id) });
  return { seat, id, generation, ref };
}

/** Puts a made worker on its seat, tells the engine, and starts it. An effect. */
function launch(context: PoolContext, worker: NewWorker, restart: boolean): void {
  const { effects } = context;
  const { seat, id, generation, ref } = worker;
  effects.seats.nextWorker(seat);
  effects.seats.addWorker(id, seat, ref);
  effects.attach(id, seat, generation, ref, restart);
  ref.start();
}

/**
 * Adds seats (each with a new worker) until there are `size` of them — for a dynamic pool,
 * only while fewer than `max` worker actors exist (a worker given up by a shrink may still
 * be finishing its task): the rest come when such a worker stops.
 */
export const fill = enqueuePoolActions(({ context, enqueue, self }) => {
  const seats = context.effects.seats;
  const wanted = Math.min(context.size - seats.size, context.effects.workerRoom(seats));
  if (!(wanted > 0)) return;
  const made: NewWorker[] = [];
  for (let k = 1; k <= wanted; k++)
    made.push(makeWorker(context, self, seats.upcomingSeat(context.name, k)));
  enqueue(() => {
    for (const worker of made) {
      seats.addSeat(context.name);
      tellSupervisor(context, { type: 'child.added', id: worker.seat });
      launch(context, worker, true);
    }
  });
});

/** Starts a new worker on each seat the supervisor restarts (still wanted, not already filled). */
export const respawn = enqueuePoolActions(({ context, event, enqueue, self }) => {
  if (event.type !== 'seats.respawn') return;
  const { delayId } = event;
  if (delayId !== undefined)
    enqueue.assign({ pendingRespawns: context.pendingRespawns.filter((id) => id !== delayId) });
  if (event.epoch !== context.epoch) return;
  const { seats } = context.effects;
  const live = context.effects.liveSeats();
  const made: NewWorker[] = [];
  for (const seat of event.seats) {
    if (seats.has(seat) && !live.has(seat)) made.push(makeWorker(context, self, seat));
  }
  if (made.length === 0) return;
  const restart = event.replaced !== true;
  enqueue(() => {
    for (const worker of made) launch(context, worker, restart);
  });
});

/** A worker finished its setup: the engine may give it tasks; its seat's supervisor child started. */
export function workerReady({ context, event }: PoolActionArgs): void {
  if (event.type !== 'worker.ready') return;
  context.effects.ready(event.id, event.resource);
  const seats = context.effects.seats;
  const seat = seats.seatOf(event.id);
  // A worker whose seat a shrink gave up is stopping: it is no child of the supervisor.
  if (seat !== undefined && seats.has(seat)) {
    tellSupervisor(context, { type: 'child.started', id: seat });
  }
}

/** An executor gave its worker up on purpose: settle what ran on it (not a crash). */
export function workerReplacing({ context, event }: PoolActionArgs): void {
  if (event.type === 'worker.replacing') context.effects.replacing(event.id, event.cause);
}

/** … and its seat, if still wanted, gets a new worker at once. */
export const respawnReplaced = enqueuePoolActions(({ context, event, enqueue }) => {
  if (event.type !== 'worker.replacing') return;
  const seats = context.effects.seats;
  const seat = seats.seatOf(event.id);
  if (seat === undefined || !seats.has(seat)) return;
  enqueue(raise({ type: 'seats.respawn', seats: [seat], epoch: context.epoch, replaced: true }));
});

/** Settles a crash (no supervisor to tell: not starting, running or draining). */
export function workerCrashed({ context, event }: PoolActionArgs): void {
  if (event.type === 'worker.crashed') context.effects.crashed(event.id, event.cause);
}

/** A worker actor reached `stopped`: the engine forgets it, and its actor is stopped. */
export const workerStopped = enqueuePoolActions(({ context, event, enqueue }) => {
  if (event.type !== 'worker.stopped') return;
  const { effects } = context;
  const { id, teardownError } = event;
  const ref = effects.seats.workerOf(id);
  enqueue(() => {
    effects.stopped(id, teardownError);
    effects.seats.removeWorker(id);
  });
  // A worker in `stopped` is still an actor until stopped explicitly: without this every
  // restart would leave one behind.
  if (ref !== undefined) enqueue(stopChild(ref));
});
