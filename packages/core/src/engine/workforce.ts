import type { AnyActorRef } from 'xstate';
import { SeatTable } from '../pool/seat-table.js';
import type { Dispatcher } from './dispatcher.js';
import type { WorkerSnapshot } from './worker-roster.js';
import {
  LaneGate,
  outOfService,
  Slot,
  SLOT_BUSY,
  SLOT_GONE,
  SLOT_IDLE,
  SLOT_STARTING,
} from './worker-slot.js';

/**
 * Workers joining and leaving the task flow, as the pool machine says (its effects, see
 * `PoolEffects`): a worker actor attached to a seat, ready, retired by a shrink or an idle
 * timeout, stopped; and each worker's state for snapshots. Crashes and an executor's own calls
 * are `WorkerExits`.
 */
export class Workforce {
  /** The pool's seats and worker actors (see `PoolEffects.seats`). */
  readonly seats = new SeatTable();
  /** Tasks one worker runs at once (`worker.concurrency`). */
  readonly #lanes: number;

  constructor(private readonly path: Dispatcher) {
    this.#lanes = path.config.logic.concurrency ?? 1;
  }

  /** A worker actor was spawned for `seat` (its `generation`-th worker). */
  attach(id: string, seat: string, generation: number, ref: AnyActorRef, restart = true): void {
    const path = this.path;
    const worker = new Slot(id, seat, generation, ref, path.runner);
    if (this.#lanes > 1) {
      worker.gate = new LaneGate(this.#lanes);
      worker.lanes = [worker];
      for (let i = 1; i < this.#lanes; i++) {
        const lane = new Slot(id, seat, generation, ref, path.runner);
        lane.primary = worker;
        worker.lanes.push(lane);
      }
    }
    path.roster.add(worker);
    if (generation > 1 && restart) path.metrics.restarts++;
  }

  /** A worker finished its setup: its lanes take queued work, or wait in the idle stack. */
  ready(id: string, resource: unknown): void {
    const path = this.path;
    const { roster, metrics: m, events$ } = path;
    const worker = roster.get(id);
    if (worker === undefined || worker.status !== SLOT_STARTING) return;
    for (const lane of worker.allLanes) {
      lane.resource = resource;
      lane.status = SLOT_IDLE;
    }
    worker.shown = false; // its actor reports ready from `idle`
    const now = path.config.clock.now();
    m.ready(now, 1);
    if (events$.observed) {
      events$.next({ type: 'worker.started', workerId: id });
      if (worker.generation > 1)
        events$.next({ type: 'worker.restarted', workerId: id, seat: worker.seat });
    }
    if (worker.retiring) roster.stop(worker);
    else if (worker.lanes === undefined) path.pump(worker, now);
    else this.#spreadLanes(worker, now);
    if (path.waiters.watched) path.waiters.check();
  }

  /**
   * A worker with several lanes is ready: lanes past a limit set during setup rest; the others
   * take queued work, then wait spread among the idle lanes of other workers.
   */
  #spreadLanes(worker: Slot, now: number): void {
    const path = this.path;
    const m = path.metrics;
    const gate = worker.gate!;
    const lanes = worker.lanes!;
    for (const lane of lanes.slice(gate.limit)) gate.parked.push(lane);
    const rest: Slot[] = [];
    for (const lane of lanes.slice(0, gate.limit)) {
      if ((m.queued > 0 || m.waiting > 0) && lane.status === SLOT_IDLE) path.pump(lane, now);
      else if (lane.status === SLOT_IDLE) rest.push(lane);
    }
    const idle = path.roster.idle;
    // Lanes that `pump` parked are on top of the stack: spread them with the rest.
    while (idle.length > 0 && idle[idle.length - 1]!.primary === worker) rest.push(idle.pop()!);
    if (rest.length > 0) {
      path.roster.spread(rest);
      if (path.growth !== undefined && worker.busyLanes === 0) path.growth.idleFrom(worker, now);
    }
  }

  /** A worker actor reached `stopped`. */
  stopped(id: string, teardownError: unknown): void {
    const { roster, events$ } = this.path;
    const worker = roster.get(id);
    if (worker === undefined) return;
    roster.retire(worker, SLOT_GONE);
    roster.delete(id);
    if (events$.observed) {
      events$.next({ type: 'worker.stopped', workerId: id });
      if (teardownError !== undefined)
        events$.next({ type: 'worker.teardown-failed', workerId: id, error: teardownError });
    }
  }

  /** The teardown of a resource whose setup finished too late (see `setupTimeoutMs`) failed. */
  lateTeardownFailed(id: string, error: unknown): void {
    const events$ = this.path.events$;
    if (events$.observed) events$.next({ type: 'worker.teardown-failed', workerId: id, error });
  }

  /** Workers ready for tasks. */
  readyCount(): number {
    return this.path.metrics.workers;
  }

  /** Workers that count towards the pool's size: not stopping, crashed or retiring. */
  liveCount(): number {
    return this.path.roster.liveSeats().size;
  }

  /** The seats of workers that count towards the pool's size. */
  liveSeats(): Set<string> {
    return this.path.roster.liveSeats();
  }

  /**
   * Gives up the live worker on `seat` (an idle worker retiring): it stops now if idle, after its
   * task if busy. `false` when no live worker fills the seat.
   */
  retireSeat(seat: string): boolean {
    for (const worker of this.path.roster.values()) {
      if (worker.seat !== seat || worker.retiring || outOfService(worker)) continue;
      this.#retire(worker);
      return true;
    }
    return false;
  }

  /** Shrinks by `count` workers: starting and idle ones stop now, busy ones after their task. Returns the seats given up. */
  shrink(count: number): string[] {
    const picked = this.path.roster.pickForShrink(count);
    // Starting ones stop when ready (`ready` checks `retiring`).
    for (const worker of picked) this.#retire(worker);
    return picked.map((worker) => worker.seat);
  }

  #retire(worker: Slot): void {
    const roster = this.path.roster;
    worker.retiring = true;
    worker.hold = true;
    if (worker.workerStatus === SLOT_IDLE) roster.stop(worker);
    else roster.withdraw(worker);
  }

  /** Stops every worker (close): tasks still on them were already settled. */
  stopAll(): void {
    const { roster, timers } = this.path;
    // Every idle worker stops: emptied at once, not one search of the stack per worker.
    roster.idle.length = 0;
    for (const worker of roster.values()) {
      if (worker.status === SLOT_STARTING) worker.retiring = worker.hold = true;
      else if (worker.status === SLOT_IDLE || worker.status === SLOT_BUSY) roster.stop(worker);
    }
    timers.clear();
  }

  /** Forgets every worker at once (a close that stops waiting for them): each one whose setup or teardown has not finished is told on `events$` as abandoned. */
  forget(): void {
    const { roster, timers, events$ } = this.path;
    if (events$.observed) for (const worker of roster.values()) this.#abandoned(worker);
    roster.clear();
    timers.clear();
  }

  /** The workers still in their setup. */
  startingWorkers(): string[] {
    const ids: string[] = [];
    for (const worker of this.path.roster.values())
      if (worker.status === SLOT_STARTING) ids.push(worker.id);
    return ids;
  }

  /** Forgets the workers still in their setup (a close with abort waits for none); returns their ids. */
  abandonStarting(): string[] {
    const roster = this.path.roster;
    const ids: string[] = [];
    for (const worker of roster.values()) {
      if (worker.status !== SLOT_STARTING) continue;
      ids.push(worker.id);
      this.#abandoned(worker);
      roster.retire(worker, SLOT_GONE);
      roster.delete(worker.id);
    }
    return ids;
  }

  #abandoned(worker: Slot): void {
    const events$ = this.path.events$;
    if (!events$.observed) return;
    const during = worker.status === SLOT_STARTING ? 'setup' : 'teardown';
    events$.next({ type: 'worker.abandoned', workerId: worker.id, during });
  }

  /**
   * Each worker's state and task count. The state is its actor's, the one source of truth: the
   * idle/busy changes not yet told to the actors (see `Occupancy.showLater`) are told first, so
   * that a snapshot never shows an edge the engine has already passed. Costs nothing per task.
   */
  workers(): WorkerSnapshot[] {
    const occupancy = this.path.occupancy;
    if (occupancy.behind) occupancy.showWorkers();
    return this.path.roster.snapshot();
  }
}
