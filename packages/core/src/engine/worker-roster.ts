import type { MetricsRecorder } from '../metrics/metrics.js';
import type { Clock } from '../time/clock.js';
import type { WorkerState } from '../worker/worker-machine.js';
import type { Task } from './task.js';
import {
  inService,
  SLOT_BUSY,
  SLOT_GONE,
  SLOT_IDLE,
  SLOT_STARTING,
  SLOT_STOPPING,
  type Lane,
  type Slot,
  type WorkerSlot,
  type SlotStatus,
} from './worker-slot.js';

/** A worker as `getSnapshot()` shows it. */
export interface WorkerSnapshot {
  readonly id: string;
  readonly state: WorkerState;
  readonly tasksDone: number;
}

/**
 * The dispatcher's workers: every slot by worker id, and the stack of idle ones that a submit
 * hands its task to. Keeps the ready/busy worker counts (for utilisation) as slots leave service.
 */
export class WorkerRoster {
  readonly #slots = new Map<string, WorkerSlot>();
  /** Idle slots; the last one parked is the first one used. */
  readonly idle: Lane[] = [];

  constructor(
    private readonly metrics: MetricsRecorder,
    private readonly clock: Clock,
    private readonly timers: { remove(slot: Slot): void },
  ) {}

  add(slot: WorkerSlot): void {
    this.#slots.set(slot.id, slot);
  }

  get(id: string): WorkerSlot | undefined {
    return this.#slots.get(id);
  }

  delete(id: string): void {
    this.#slots.delete(id);
  }

  values(): IterableIterator<WorkerSlot> {
    return this.#slots.values();
  }

  /** Takes a worker (its primary slot) out of service: its lanes off the idle stack, their timers cleared, counted out. */
  retire(slot: WorkerSlot, status: SlotStatus): void {
    if (slot.status === SLOT_GONE || slot.status === status) return;
    const now = this.clock.now();
    if (slot.status === SLOT_IDLE || slot.status === SLOT_BUSY) this.metrics.ready(now, -1);
    if (slot.busyLanes > 0) {
      this.metrics.busy(now, -1);
      slot.busyLanes = 0;
    }
    const lanes = slot.lanes;
    if (lanes === undefined) {
      if (slot.status === SLOT_IDLE) {
        const i = this.idle.indexOf(slot);
        if (i >= 0) this.idle.splice(i, 1);
      }
      if (slot.heapIndex >= 0) this.timers.remove(slot);
      slot.status = status;
      return;
    }
    this.withdraw(slot);
    if (slot.gate !== undefined) slot.gate.parked.length = 0;
    for (const lane of lanes) {
      if (lane.heapIndex >= 0) this.timers.remove(lane);
      lane.status = status;
    }
  }

  /** A busy worker retires: its idle lanes leave the idle stack (they take no more tasks). */
  withdraw(worker: WorkerSlot): void {
    if (worker.lanes === undefined) return;
    const idle = this.idle;
    let kept = 0;
    for (let i = 0; i < idle.length; i++) if (idle[i]!.primary !== worker) idle[kept++] = idle[i]!;
    idle.length = kept;
  }

  /**
   * Puts the lanes of a worker that just became ready on the idle stack spread among the lanes
   * already there, so that a burst is shared out between workers instead of filling one.
   */
  spread(lanes: readonly Lane[]): void {
    const idle = this.idle;
    const merged: Lane[] = [];
    const total = idle.length + lanes.length;
    let a = 0;
    let b = 0;
    for (let i = 0; i < total; i++) {
      // Take from the newcomers whenever they are behind their share of the positions so far.
      if (b < lanes.length && (a >= idle.length || (b + 1) * total <= (i + 1) * lanes.length)) {
        merged.push(lanes[b++]!);
      } else merged.push(idle[a++]!);
    }
    idle.length = 0;
    for (const slot of merged) idle.push(slot);
  }

  /** Crashes a worker (its primary slot): out of service now, its actor told. */
  crash(worker: WorkerSlot, cause: unknown): void {
    this.retire(worker, SLOT_GONE);
    worker.ref.send({ type: 'worker.crash', cause });
  }

  /** Stops a worker (its primary slot): out of service now, its actor told. */
  stop(worker: WorkerSlot): void {
    this.retire(worker, SLOT_STOPPING);
    worker.ref.send({ type: 'worker.stop' });
  }

  /** Takes every slot out of service and forgets them all. */
  clear(): void {
    for (const slot of this.#slots.values()) this.retire(slot, SLOT_GONE);
    this.#slots.clear();
    this.idle.length = 0;
  }

  /** The seats of workers that count towards the pool's size: not stopping, gone or retiring. */
  liveSeats(): Set<string> {
    const seats = new Set<string>();
    for (const slot of this.#slots.values()) {
      if (inService(slot) && !slot.retiring) seats.add(slot.seat);
    }
    return seats;
  }

  /** The slot (lane) running `task` now (not an old one still tearing down after a hang). */
  running(task: Task): Lane | undefined {
    let found: Lane | undefined;
    for (const worker of this.#slots.values()) {
      for (const slot of worker.allLanes) {
        if (slot.task !== task) continue;
        if (inService(slot)) return slot;
        found ??= slot;
      }
    }
    return found;
  }

  /** The `count` slots a shrink gives up: starting ones first, then idle, then busy. */
  pickForShrink(count: number): WorkerSlot[] {
    const picked: WorkerSlot[] = [];
    for (const status of [SLOT_STARTING, SLOT_IDLE, SLOT_BUSY]) {
      for (const slot of this.#slots.values()) {
        if (picked.length === count) return picked;
        if (slot.workerStatus === status && !slot.retiring) picked.push(slot);
      }
    }
    return picked;
  }

  /** Each worker's state and task count. */
  snapshot(): WorkerSnapshot[] {
    const out: WorkerSnapshot[] = [];
    for (const slot of this.#slots.values()) {
      const value = (slot.ref.getSnapshot() as { value: unknown }).value;
      let tasksDone = 0;
      for (const lane of slot.allLanes) tasksDone += lane.tasksDone;
      out.push({ id: slot.id, state: value as WorkerState, tasksDone });
    }
    return out;
  }
}
