import type { AnyActorRef } from 'xstate';
import type { RejectReason } from '../errors.js';
import type { RunReporter } from '../worker/worker-machine.js';
import type { PoolEvent } from './pool-events.js';
import type { SeatTable } from './seat-table.js';

/**
 * What the pool machine does to the world, and the little it asks of it: the narrow face of the
 * engine (the dispatcher) that the machine is given in its input. The machine decides; this
 * carries its decisions out on the task flow and tells `events$`. Tasks never pass through it.
 * A test gives a fake that records the calls, and drives the machine by events alone.
 */
export interface PoolEffects extends RunReporter {
  /**
   * The pool's seats and the worker actors on them. A mutable table, kept here and not in the
   * machine's context: it changes on every worker start and stop, and copying it per event made
   * start and close quadratic. Guards read it; only effect actions change it.
   */
  readonly seats: SeatTable;

  // ---- submits --------------------------------------------------------------------------------
  /** Starts taking submits. */
  open(): void;
  /** Stops taking submits; later ones get `TaskRejected` with `reason`. */
  refuse(reason: RejectReason, message: string, cause?: unknown): void;
  /** Cancels every queued and running task with `reason`. */
  abortAll(reason: unknown): void;
  /** Refuses every queued task with `TaskRejected` (the pool failed). */
  rejectQueued(reason: RejectReason, message: string, cause?: unknown): void;
  /** Resolves when nothing is waiting, queued or running. */
  whenIdle(): Promise<void>;
  /** Tells the pool's `events$`. */
  emit(event: PoolEvent): void;

  // ---- workers --------------------------------------------------------------------------------
  /** A worker actor was started on `seat` (its `generation`-th worker; `restart`: count it). */
  attach(id: string, seat: string, generation: number, ref: AnyActorRef, restart: boolean): void;
  /** A worker finished its setup. */
  ready(id: string, resource: unknown): void;
  /** A worker's executor gave it up on purpose: what ran on it is settled. */
  replacing(id: string, cause: unknown): void;
  /** A worker crashed; `false` when the pool had already stopped it on purpose. */
  crashed(id: string, cause: unknown): boolean;
  /** A worker actor reached `stopped`. */
  stopped(id: string, teardownError: unknown): void;
  /** The teardown of a resource whose setup finished too late failed. */
  lateTeardownFailed(id: string, error: unknown): void;
  /** Workers ready for tasks. */
  readyCount(): number;
  /**
   * Whether the pool may lose its last worker for good without failing: a dynamic pool whose
   * `min` is 0 now (demand starts a worker again). Asked when it happens: `resize({ min })`
   * moves it.
   */
  mayBeEmpty(): boolean;
  /** The seats of workers that count towards the pool's size. */
  liveSeats(): ReadonlySet<string>;
  /** How many more seats may get a worker (a dynamic pool's `max`). */
  workerRoom(seats: { readonly size: number; has(seat: string): boolean }): number;
  /** Stops the worker on `seat` (restarted with a crashed sibling). */
  stopSeat(seat: string, cause: unknown): void;
  /** Gives up the live worker on `seat` (an idle worker retiring); `false` when there is none. */
  retireSeat(seat: string): boolean;
  /** Gives up `count` workers (a shrink); returns their seats. */
  shrink(count: number): readonly string[];
  /** Stops every worker (close, failure). */
  stopAll(): void;
  /** Forgets every worker at once (a close that stops waiting for them). */
  forget(): void;
  /** The workers still in their setup. */
  startingWorkers(): readonly string[];
  /** Forgets the workers still in their setup (an aborting close waits for none). */
  abandonStarting(): void;
}
