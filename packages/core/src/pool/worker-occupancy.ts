import type { SizingConfig } from '../scaling/sizing-options.js';
import type { ScaleDecision } from '../scaling/autoscaler-machine.js';
import { PAUSED, TaskRunner } from './task-runner.js';
import {
  inService,
  outOfService,
  SLOT_BUSY,
  SLOT_IDLE,
  type Lane,
  type WorkerSlot,
} from './worker-slot.js';

/** A resize the pool asks of its machine when it sizes itself. */
export interface ScaleRequest extends ScaleDecision {
  /** The seat of the idle worker to retire. */
  readonly retire?: string;
}

/**
 * How workers go idle and busy: the idle stack, the actors' idle/busy state (told once per
 * edge, never per task), and for a dynamic pool the idle timeouts and the growth on demand.
 */
export abstract class WorkerOccupancy<TInput, TOutput> extends TaskRunner<TInput, TOutput> {
  /** Asks the pool machine to resize (set by the pool handle for dynamic pools). */
  onScale: ((decision: ScaleRequest) => void) | undefined = undefined;
  /** Slots whose idle/busy change their actor has not been told yet. */
  protected readonly unshown: WorkerSlot[] = [];

  /**
   * A slot went idle ⇄ busy: its worker actor is told at the end of the current task, once,
   * and only if its state still differs, so a worker that runs synchronous tasks one after
   * another (idle, busy, idle …) costs no actor event per task. Idle and busy are for the
   * charts and snapshots; nothing the pool decides depends on them.
   */
  protected showLater(slot: WorkerSlot): void {
    if (slot.shown === undefined || slot.showing) return;
    slot.showing = true;
    if (this.unshown.push(slot) === 1) queueMicrotask(this.showWorkers);
  }

  /** Tells worker actors their idle/busy state where it changed (see `showLater`). */
  protected readonly showWorkers = (): void => {
    const slots = this.unshown;
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i]!;
      slot.showing = false;
      const busy = slot.busyLanes > 0;
      if (outOfService(slot) || slot.shown === busy) continue;
      slot.shown = busy;
      slot.ref.send({ type: busy ? 'task.started' : 'task.finished' });
    }
    slots.length = 0;
  };

  /** A lane finished its task: when it was its worker's last busy lane, the worker is idle. */
  protected leaveBusy(slot: Lane, now: number): void {
    if (slot.status !== SLOT_BUSY) return;
    slot.status = SLOT_IDLE;
    const worker = slot.primary;
    if (--worker.busyLanes > 0) return;
    this.metrics.busy(now, -1);
    this.showLater(worker);
    const sizing = this.sizing;
    if (sizing !== undefined) this.idleFrom(worker, sizing, now);
  }

  /** A slot (lane) has nothing to do: it waits in the idle stack. */
  protected park(slot: Lane, now: number): void {
    this.roster.idle.push(slot);
    if (slot.status === SLOT_BUSY) this.leaveBusy(slot, now);
    else if (this.sizing !== undefined && slot.primary.busyLanes === 0) {
      this.idleFrom(slot.primary, this.sizing, now);
    }
  }

  /** A worker of a dynamic pool went idle at `now`: its idle timeout starts. */
  protected idleFrom(worker: WorkerSlot, sizing: SizingConfig, now: number): void {
    worker.idleSince = now;
    // At `min` no timer: it could do nothing, and would keep the process alive.
    if (sizing.idleTimeoutMs !== Infinity && worker.heapIndex < 0 && this.sizeTarget > sizing.min) {
      worker.deadline = now + sizing.idleTimeoutMs;
      this.timers.add(worker);
    }
  }

  /**
   * Work waits in the queue of a dynamic pool: if more tasks wait than workers are on their way
   * and the pool is below `max`, one more worker starts now (not on the next metrics tick).
   */
  protected demand(): void {
    const sizing = this.sizing!;
    const m = this.metrics;
    if (sizing.dryRun || this.onScale === undefined || !this.accepting) return;
    // Paused, work waits for `resume()`, not for more workers.
    if (this.gate === PAUSED) return;
    // Idle workers beside waiting work: something else holds it (the rate limit), not size.
    if (this.roster.idle.length > 0) return;
    const waiting = m.queued + m.waiting;
    const coming = (this.sizeTarget - m.workers) * this.lanes;
    if (this.sizeTarget >= sizing.max || waiting <= coming) return;
    // Workers given up by a shrink but still finishing a task count against max too (seats
    // waiting for a restart are in the size already).
    let retiring = 0;
    for (const slot of this.roster.values()) if (slot.retiring && inService(slot)) retiring++;
    if (this.sizeTarget + retiring >= sizing.max) return;
    const from = this.sizeTarget;
    this.sizeTarget = from + 1;
    this.onScale({
      from,
      to: from + 1,
      because: 'demand',
      detail: `${waiting} tasks waiting, ${m.workers} workers ready`,
    });
  }

  /** An idle worker of a dynamic pool reached its idle timeout: above `min`, it retires. */
  protected idleTimeout(slot: WorkerSlot): void {
    const sizing = this.sizing;
    if (sizing === undefined || sizing.dryRun || this.onScale === undefined) return;
    if (slot.workerStatus !== SLOT_IDLE || slot.retiring || this.sizeTarget <= sizing.min) return;
    const from = this.sizeTarget;
    this.sizeTarget = from - 1;
    this.onScale({
      from,
      to: from - 1,
      because: 'idle',
      detail: `worker ${slot.id} idle for ${sizing.idleTimeoutMs} ms`,
      retire: slot.seat,
    });
  }
}
