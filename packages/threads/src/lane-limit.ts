/**
 * How many runs a link lets the pool have on its thread, from how long the thread's runs take:
 * enough that the thread never runs dry while its answers make the round trip to the pool and
 * the next runs come back, and no more, so that few runs wait on a thread behind a long one
 * while another thread could take them.
 */
import type { WorkerSetupContext } from '@troupe/core';
import { LIMIT, RUN_LENGTH } from './protocol.js';

/**
 * The limit before the thread's runs were measured: as for long runs (one running, one
 * waiting), so that a first burst is shared out between threads (and a dynamic pool grows for
 * it) rather than sent to the first thread ready; the first answers set it.
 */
export const FIRST_LIMIT = 2;

/**
 * The time (ms) the runs in flight on a thread should cover beyond the one it runs: the round
 * trip of its answers to the main thread and of the next runs back, with the main thread busy
 * and sharing the cores (tens of µs alone; up to a millisecond on 2 busy cores). With 1 ms, ~1 ms
 * tasks got 2 in flight and the threads were 96.0 % busy in the benchmark's burst; with 2 ms
 * they get 3 and were 97.9-98.6 % busy (`node bench/run.mjs --only threads`).
 */
export const COVER_MS = 2;

/**
 * A run is a stall when it has lasted this many times the thread's usual run length, and at
 * least `MIN_STALL_MS`: then the runs behind it go back to the pool (see `StallWatch`). Lower
 * means less waiting behind a long task (the mixed workload's p99 wait) against more runs given
 * back for a run that was only slowed down; with 8, p99 wait was 1.12x that of `concurrency: 1`.
 */
const STALL_FACTOR = 4;
/** The shortest stall (ms): below it, giving runs back costs more than their wait; a timer's grain too. */
export const MIN_STALL_MS = 1;

/**
 * The lane limit for a thread whose runs take `runLengthMs` (its moving average): 1 + as many
 * as it runs in `COVER_MS`, from 2 to `max` (the `concurrency` option). Lowered only when the
 * new value is a quarter or more below `current`, so that a length near a step does not move
 * the limit back and forth (each move scans the pool's idle lanes).
 */
export function laneLimit(runLengthMs: number, max: number, current: number): number {
  const cover = runLengthMs > 0 ? Math.ceil(COVER_MS / runLengthMs) : max;
  const target = Math.max(2, Math.min(max, 1 + cover));
  if (target < current && target > (current * 3) / 4) return current;
  return target;
}

/** How long a run may last (ms) before it counts as a stall, for a thread whose runs take `runLengthMs`. */
export function stallAfterMs(runLengthMs: number): number {
  return Math.max(MIN_STALL_MS, STALL_FACTOR * runLengthMs);
}

/** The thread's moving average of its runs' synchronous length (ms); negative before the first. */
export function runLengthMs(wake: Int32Array): number {
  return wake[RUN_LENGTH]! / 1000;
}

/**
 * One link's lane limit: how many runs the pool may have on its thread now, told to the pool
 * (`limitLanes`) and to the thread (`wake[LIMIT]`, which it halves to know when to send answers
 * early). Adaptive (see `ThreadConfig.adaptive`), it follows the runs' length (`adapt`, after each
 * message of answers); otherwise it stays at `concurrency`.
 */
export class LaneLimit {
  /** The limit now: read on every send, so a plain field (written by `set` only). */
  value: number;

  constructor(
    private readonly concurrency: number,
    adaptive: boolean,
    private readonly wake: Int32Array,
    private readonly setup: Pick<WorkerSetupContext, 'limitLanes'>,
  ) {
    // Until the first runs are measured (RUN_LENGTH stays -1 till then): as for long ones.
    this.value = adaptive ? Math.min(concurrency, FIRST_LIMIT) : concurrency;
    wake[LIMIT] = this.value;
    if (this.value < concurrency) setup.limitLanes(this.value);
  }

  /** Tells the pool, and the thread, how many runs it may have on the thread now. */
  set(limit: number): void {
    if (limit === this.value) return;
    this.value = limit;
    this.wake[LIMIT] = limit;
    this.setup.limitLanes(limit);
  }

  /** After a message of answers: the limit follows the runs' length (see `laneLimit`). */
  adapt(): void {
    const length = runLengthMs(this.wake);
    if (length < 0) return this.set(Math.min(this.concurrency, FIRST_LIMIT));
    const target = laneLimit(length, this.concurrency, this.value);
    if (target !== this.value) this.set(target);
  }
}
