import type { AnyActorRef } from 'xstate';
import type { HasDeadline } from '../time/deadline-heap.js';
import type { Task } from './task.js';
import type { AbortListener, TaskContext } from '../worker/worker-logic.js';

const callListener = (listener: AbortListener, reason: unknown): void => {
  if (typeof listener === 'function') listener(reason);
  else listener.handleAbort(reason);
};

/**
 * A slot's status: small numbers in the order of its life (starting → idle ⇄ busy → stopping →
 * gone), so that "still in service?" — asked as each run settles — is one comparison
 * (`outOfService`), not two.
 */
export const SLOT_STARTING = 0;
export const SLOT_IDLE = 1;
export const SLOT_BUSY = 2;
export const SLOT_STOPPING = 3;
export const SLOT_GONE = 4;
export type SlotStatus = 0 | 1 | 2 | 3 | 4;

/** The slot's worker is stopping or gone: it takes no task, and what its runs answer is stray. */
export function outOfService(slot: Slot): boolean {
  return slot.status > SLOT_BUSY;
}

/** The slot's worker is starting, idle or busy (not yet stopping). */
export function inService(slot: Slot): boolean {
  return slot.status <= SLOT_BUSY;
}

/** Who a slot reports its run outcomes to. */
export interface SlotOwner {
  finish(slot: Lane, value: unknown, failed: boolean): void;
}

/**
 * A slot seen as a whole worker: its primary, the one the roster knows, which keeps what belongs
 * to the worker (actor, idle timeout, busy lanes, retiring). One class serves both roles because
 * a worker's primary is also its first lane: a worker of concurrency 1, the common case, is one
 * object, and the per-task path runs a task on any lane without asking which kind it has.
 */
export type WorkerSlot = Slot;

/** A slot seen as one lane of its worker: runs one task at a time, goes idle on its own. */
export type Lane = Slot;

/**
 * The dispatcher's view of one worker actor: what it is running, and its run-time timer.
 * Completion handlers are bound once per slot, so a task's completion allocates no closure.
 *
 * A worker whose logic has `concurrency` k > 1 has k lanes: its slot (the primary, the one the
 * roster knows) and k − 1 more that share its actor, id and resource. Each lane runs one task
 * and goes through the idle stack on its own; what belongs to the worker as a whole (being
 * busy, retiring, the idle timeout, the actor's idle/busy state) is kept on the primary.
 */
export class Slot implements HasDeadline {
  status: SlotStatus = SLOT_STARTING;
  /** The worker's primary slot (this one, unless this is one of its other lanes). */
  primary: WorkerSlot = this;
  /** On a primary with concurrency > 1: every lane of the worker, itself first. */
  lanes: Lane[] | undefined = undefined;
  /** On a primary: its lanes running a task now. The worker is busy while this is above 0. */
  busyLanes = 0;
  resource: unknown = undefined;
  /** The task on this worker; after a cancel it stays here (settled) until its promise does. */
  task: Task | undefined = undefined;
  ctx: RunContext | undefined = undefined;
  deadline = 0;
  heapIndex = -1;
  tasksDone = 0;
  /** Stop this worker when its current task ends (the pool shrank). */
  retiring = false;
  /**
   * On a primary: a lane that finishes must ask before it takes the next task (the worker is
   * retiring, or has more lanes taking tasks than its executor's limit allows). One flag for
   * both, so that the per-task path reads one field, as it did before lane limits.
   */
  hold = false;
  /** On a primary with concurrency > 1: how many of its lanes may take tasks now (see `LaneGate`). */
  gate: LaneGate | undefined = undefined;
  /**
   * The idle/busy state its worker actor was last told (`true`: busy); `undefined` until the
   * actor is ready (only then does it take `task.started` and `task.finished`).
   */
  shown: boolean | undefined = undefined;
  /** Waiting in the pool's list of slots to show (at most once). */
  showing = false;
  /** When it last became idle (dynamic pools only). */
  idleSince = 0;
  /** The run outcome handlers this lane hands its runs' promises (bound once, not per run). */
  onOk!: (value: unknown) => void;
  onErr!: (error: unknown) => void;
  /** Sends what the handlers handed out so far are called with to another slot. */
  #redirect!: (to: Slot) => void;
  readonly #owner: SlotOwner;

  constructor(
    readonly id: string,
    /** The supervisor's name for this worker's place; stays the same across restarts. */
    readonly seat: string,
    /** 1 for the seat's first worker, then one more per restart. */
    readonly generation: number,
    readonly ref: AnyActorRef,
    dispatcher: SlotOwner,
  ) {
    this.#owner = dispatcher;
    this.#bind();
  }

  #bind(): void {
    const owner = this.#owner;
    // Where answers go: this slot until `abandonRun` moves them to a stand-in. A closure
    // variable, so that an answer costs what it did with `this`.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    let target: Slot = this;
    this.onOk = (value) => owner.finish(target, value, false);
    this.onErr = (error) => owner.finish(target, error, true);
    this.#redirect = (to) => (target = to);
  }

  /**
   * Leaves this lane's run behind (it timed out, and a run cannot be pre-empted): the lane is
   * free for the next task, and an answer the run still gives goes to a stand-in out of service,
   * which drops it as stray — it can never settle the lane's next task, not even a retry of the
   * same one. New handlers for the lane: a timeout's cost, not a run's.
   */
  abandonRun(): void {
    const standIn = new Slot(this.id, this.seat, this.generation, this.ref, this.#owner);
    standIn.status = SLOT_GONE;
    standIn.task = this.task;
    standIn.ctx = this.ctx;
    this.#redirect(standIn);
    this.#bind();
    this.task = undefined;
    this.ctx = undefined;
  }

  /** The worker's status as a whole (on a primary): busy while any lane runs a task. */
  get workerStatus(): SlotStatus {
    return this.status === SLOT_IDLE && this.busyLanes > 0 ? SLOT_BUSY : this.status;
  }

  /** Every lane of the worker (on a primary). */
  get allLanes(): readonly Lane[] {
    return this.lanes ?? (this.#alone ??= [this]);
  }
  #alone: Slot[] | undefined = undefined;
}

/**
 * The lane limit of a worker with several lanes (`WorkerSetupContext.limitLanes`): at most
 * `limit` of its lanes take tasks; the others rest in `parked`, off the idle stack, until the
 * limit rises. A lane counts as taking tasks while it runs one or waits in the idle stack, so a
 * lane moves between `parked` and the others only when the limit changes or a lane that finishes
 * is over it: nothing per task.
 */
export class LaneGate {
  limit: number;
  /** Lanes over the limit: neither running a task nor in the idle stack. */
  readonly parked: Lane[] = [];
  constructor(readonly lanes: number) {
    this.limit = lanes;
  }
  /** How many more lanes take tasks than the limit allows (negative: room for more). */
  get over(): number {
    return this.lanes - this.parked.length - this.limit;
  }
}

/** The `ctx` a task sees; its AbortController is made only if the task reads `signal`. */
export class RunContext implements TaskContext<unknown> {
  controller: AbortController | undefined = undefined;
  /** What `onAbort` registered, until the abort; `null` once aborted. */
  listener: AbortListener | null | undefined = undefined;
  reason: unknown = undefined;
  constructor(
    readonly slot: Slot,
    readonly task: Task,
  ) {}
  get taskId(): number {
    return this.task.id;
  }
  get signal(): AbortSignal {
    return (this.controller ??= new AbortController()).signal;
  }
  get workerId(): string {
    return this.slot.id;
  }
  get attempt(): number {
    return this.task.x?.attempt ?? 1;
  }
  get priority(): number {
    return this.task.x?.priority ?? 0;
  }
  get resource(): unknown {
    return this.slot.resource;
  }
  onAbort(listener: AbortListener): void {
    const previous = this.listener;
    if (previous === null) callListener(listener, this.reason);
    else if (previous === undefined) this.listener = listener;
    else
      this.listener = (reason) => {
        callListener(previous, reason);
        callListener(listener, reason);
      };
  }
  abort(reason: unknown): void {
    (this.controller ??= new AbortController()).abort(reason);
    const listener = this.listener;
    if (listener === null) return;
    this.listener = null;
    this.reason = reason;
    if (listener !== undefined) callListener(listener, reason);
  }
}
