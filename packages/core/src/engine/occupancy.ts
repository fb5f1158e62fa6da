import type { Growth } from './growth.js';
import type { EngineParts } from './task-path.js';
import { outOfService, SLOT_BUSY, SLOT_IDLE, type Lane, type WorkerSlot } from './worker-slot.js';

/**
 * How workers go idle and busy: the idle stack, the busy-time counters, and the actors'
 * idle/busy state, told once per edge and never per task. For a dynamic pool, a worker going
 * idle starts its idle timeout (`Growth.idleFrom`).
 */
export class Occupancy {
  /** Workers whose idle/busy change their actor has not been told yet. */
  readonly #unshown: WorkerSlot[] = [];
  /** The roster's idle stack (one array for the pool's life). */
  readonly #idle: Lane[];

  constructor(
    private readonly parts: EngineParts,
    private readonly growth: Growth | undefined,
  ) {
    this.#idle = parts.roster.idle;
  }

  /**
   * A worker went idle ⇄ busy: its actor is told two microtasks later, once, and only if its
   * state still differs, so a worker that runs synchronous tasks one after another (idle, busy,
   * idle …) costs no actor event per task, and neither does a task whose promise is already
   * settled when it returns (an `async` function that does not wait): its answer comes in
   * between, and the worker is idle again. A pool of 2 taking such a task paid two worker events
   * for it, a tenth of what starting it and getting that first result cost. Idle and busy are for
   * the charts and snapshots (a snapshot tells the actors first); nothing the pool decides
   * depends on them.
   */
  showLater(worker: WorkerSlot): void {
    if (worker.shown === undefined || worker.showing) return;
    worker.showing = true;
    if (this.#unshown.push(worker) === 1) queueMicrotask(this.#showSoon);
  }

  /** One microtask more: the reaction to a settled run's promise, queued after `showLater`, goes first. */
  readonly #showSoon = (): void => queueMicrotask(this.showWorkers);

  /** Tells worker actors their idle/busy state where it changed (see `showLater`). */
  readonly showWorkers = (): void => {
    const workers = this.#unshown;
    for (let i = 0; i < workers.length; i++) {
      const worker = workers[i]!;
      worker.showing = false;
      const busy = worker.busyLanes > 0;
      if (outOfService(worker) || worker.shown === busy) continue;
      worker.shown = busy;
      worker.ref.send({ type: busy ? 'task.started' : 'task.finished' });
    }
    workers.length = 0;
  };

  /** Whether some actor has not been told its idle/busy state yet. */
  get behind(): boolean {
    return this.#unshown.length > 0;
  }

  /** A lane finished its task: when it was its worker's last busy lane, the worker is idle. */
  leaveBusy(lane: Lane, now: number): void {
    if (lane.status !== SLOT_BUSY) return;
    lane.status = SLOT_IDLE;
    const worker = lane.primary;
    if (--worker.busyLanes > 0) return;
    this.parts.metrics.busy(now, -1);
    this.showLater(worker);
    if (this.growth !== undefined) this.growth.idleFrom(worker, now);
  }

  /** A lane has nothing to do: it waits in the idle stack. */
  park(lane: Lane, now: number): void {
    this.#idle.push(lane);
    if (lane.status === SLOT_BUSY) this.leaveBusy(lane, now);
    else if (this.growth !== undefined && lane.primary.busyLanes === 0) {
      this.growth.idleFrom(lane.primary, now);
    }
  }
}
