import type { ScaleDecision } from '../scaling/autoscaler-machine.js';
import type { SizingConfig } from '../scaling/sizing-options.js';
import type { Door } from './door.js';
import type { TaskPath } from './task-path.js';
import { inService, SLOT_IDLE, type Slot, type WorkerSlot } from './worker-slot.js';

/** A resize the pool asks of its machine when it sizes itself. */
export interface ScaleRequest extends ScaleDecision {
  /** The seat of the idle worker to retire. */
  readonly retire?: string;
}

/**
 * A dynamic pool's size (`size: { min, max, … }`) as the task flow moves it: one more worker when
 * work waits and none is on its way, one fewer when a worker has been idle for `idleTimeoutMs`.
 * It asks, the pool machine decides (`onScale`); the bounds are its own, moved by `setBounds`.
 */
export class Growth {
  /** Asks the pool machine to resize (set by the pool handle). */
  onScale: ((request: ScaleRequest) => void) | undefined = undefined;
  /** The number of workers the pool machine aims for (kept in step by the pool handle). */
  target: number;
  #min: number;
  #max: number;
  readonly #idleTimeoutMs: number;
  readonly #dryRun: boolean;
  /** Tasks one worker runs at once. */
  readonly #lanes: number;

  constructor(
    private readonly path: TaskPath,
    private readonly door: Door,
    sizing: SizingConfig,
    size: number,
  ) {
    this.target = size;
    this.#min = sizing.min;
    this.#max = sizing.max;
    this.#idleTimeoutMs = sizing.idleTimeoutMs;
    this.#dryRun = sizing.dryRun;
    this.#lanes = path.config.logic.concurrency ?? 1;
  }

  get min(): number {
    return this.#min;
  }

  get max(): number {
    return this.#max;
  }

  /** Whether the pool may lose its last worker for good: its `min` is 0 now. */
  mayBeEmpty(): boolean {
    return this.#min === 0;
  }

  /** A worker went idle at `now`: its idle timeout starts. */
  idleFrom(worker: WorkerSlot, now: number): void {
    worker.idleSince = now;
    // At `min` no timer: it could do nothing, and would keep the process alive.
    if (this.#idleTimeoutMs !== Infinity && worker.heapIndex < 0 && this.target > this.#min) {
      worker.deadline = now + this.#idleTimeoutMs;
      this.path.timers.add(worker);
    }
  }

  /**
   * Work waits in the queue: if more tasks wait than workers are on their way and the pool is
   * below `max`, one more worker starts now (not on the next metrics tick).
   */
  demand(): void {
    const { metrics: m, roster } = this.path;
    if (this.#dryRun || this.onScale === undefined || !this.door.accepting) return;
    // Paused, work waits for `resume()`, not for more workers.
    if (this.path.isPaused) return;
    // Idle lanes beside waiting work: something else holds it (the rate limit), not size.
    if (roster.idle.length > 0) return;
    const waiting = m.queued + m.waiting;
    const coming = (this.target - m.workers) * this.#lanes;
    if (this.target >= this.#max || waiting <= coming) return;
    // Workers given up by a shrink but still finishing a task count against max too (seats
    // waiting for a restart are in the size already).
    let retiring = 0;
    for (const worker of roster.values()) if (worker.retiring && inService(worker)) retiring++;
    if (this.target + retiring >= this.#max) return;
    const from = this.target;
    this.target = from + 1;
    this.onScale({
      from,
      to: from + 1,
      because: 'demand',
      detail: `${waiting} tasks waiting, ${m.workers} workers ready`,
    });
  }

  /** Asks `demand` once per task waiting, until it adds no worker (`resume`, `submitMany`). */
  demandFor(tasks: number): void {
    for (; tasks > 0; tasks--) {
      const before = this.target;
      this.demand();
      if (this.target === before) return;
    }
  }

  /** An idle worker reached its idle timeout: above `min`, it retires. */
  idleTimeout(worker: WorkerSlot): void {
    if (this.#dryRun || this.onScale === undefined) return;
    if (worker.workerStatus !== SLOT_IDLE || worker.retiring || this.target <= this.#min) return;
    const from = this.target;
    this.target = from - 1;
    this.onScale({
      from,
      to: from - 1,
      because: 'idle',
      detail: `worker ${worker.id} idle for ${this.#idleTimeoutMs} ms`,
      retire: worker.seat,
    });
  }

  /** How many more seats may get a worker: never more than `max` workers. */
  workerRoom(seats: { readonly size: number; has(seat: string): boolean }): number {
    // Every seat has (or will have, once restarted) one worker; workers given up by a shrink
    // that have not stopped yet belong to no seat. Together they may not pass max.
    let outside = 0;
    for (const worker of this.path.roster.values()) if (!seats.has(worker.seat)) outside++;
    return this.#max - seats.size - outside;
  }

  /** New bounds (`resize({ min, max })`, checked there), before the pool machine resizes into them. */
  setBounds(min: number, max: number): void {
    this.#min = min;
    this.#max = max;
  }

  /**
   * After the pool resized into new bounds: idle workers without an idle timer (the pool was at
   * `min`) retire now if they have been idle long enough, or get their timer.
   */
  boundsChanged(): void {
    if (this.#idleTimeoutMs === Infinity) return;
    const { roster, timers, config } = this.path;
    const now = config.clock.now();
    const workers = new Set<Slot>();
    for (const lane of roster.idle) if (lane.primary.busyLanes === 0) workers.add(lane.primary);
    for (const worker of workers) {
      if (worker.heapIndex >= 0) continue;
      const due = worker.idleSince + this.#idleTimeoutMs;
      if (due <= now) this.idleTimeout(worker);
      else {
        worker.deadline = due;
        timers.add(worker);
      }
    }
  }
}
