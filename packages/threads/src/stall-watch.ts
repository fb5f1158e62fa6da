import type { WorkerSetupContext } from '@troupe/core';
import { LaneLimit, runLengthMs, stallAfterMs } from './lane-limit.js';
import type { PendingRun } from './pending-run.js';
import { RUN_STARTED, RUNNING_NOW } from './protocol.js';
import { revokeRun } from './run-slots.mjs';
import type { RunTable } from './run-table.js';

/**
 * The watch, on one thread of an adaptive logic, for a run that holds others behind it: when the
 * thread has been in one run far longer than its runs usually take (see `stallAfterMs`) while
 * another thread has room, the runs sent after it that it has not started are taken back (each
 * one the thread did not start first: see `run-slots.mjs`) and given back to the pool, at the
 * front of its queue, for another thread; and the pool sends this one no more until the run ends.
 *
 * The watches of one logic's threads look at each other (`siblings`): a check is worth its timer
 * only while another thread has a free lane. While every thread is full (a burst of short tasks)
 * none runs; a thread whose answers leave it with room starts the others' checks.
 */
export class StallWatch {
  /** The check for a run that holds others behind it, while one is due. */
  #timer: NodeJS.Timeout | undefined = undefined;
  /** The thread is in a run far longer than its usual ones: one run at a time until it ends. */
  #stalled = false;
  /** Its link is ready (between `start` and `stop`). */
  #active = false;

  constructor(
    /** The link's runs in flight. */
    private readonly runs: RunTable<PendingRun>,
    /** Shared with the thread: which run it is in, since when, and where each run stands. */
    private readonly wake: Int32Array,
    private readonly lanes: LaneLimit,
    private readonly setup: Pick<WorkerSetupContext, 'giveBack'>,
    /** The watches of the other threads of the same worker logic (this one joins once ready). */
    private readonly siblings: Set<StallWatch>,
  ) {}

  /** The link is ready: it joins its siblings, and offers them its room. */
  start(): void {
    this.#active = true;
    this.siblings.add(this);
    this.#offerRoom();
  }

  /** The link ended: no more checks. */
  stop(): void {
    this.#active = false;
    this.siblings.delete(this);
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** A run was sent while others are in flight: a check is due, if none is and it may help. */
  sent(): void {
    if (this.#timer === undefined && this.#othersFree()) this.#watch(0);
  }

  /**
   * After a message of answers: a stalled thread is through its long run, and room here may
   * take the runs waiting behind a long one on another thread.
   */
  answered(): void {
    this.#stalled = false;
    if (this.#free()) this.#offerRoom();
  }

  /**
   * Checks, `afterMs` from now (at least the stall threshold), whether the thread has been in one
   * run far longer than its runs usually take while others wait behind it (see `#check`).
   */
  #watch(afterMs: number): void {
    const delay = Math.max(afterMs, stallAfterMs(runLengthMs(this.wake)));
    this.#timer = setTimeout(this.#check, delay).unref();
  }

  /**
   * When the thread has been in the same run past the stall threshold, the runs it has not
   * started are taken back and given back to the pool; otherwise a check is due again while runs
   * wait behind another.
   */
  readonly #check = (): void => {
    this.#timer = undefined;
    if (!this.#active || this.#stalled || this.runs.size < 2) return;
    const threshold = stallAfterMs(runLengthMs(this.wake));
    const ranMs = this.#inRunFor();
    // Taken back, the runs would only wait in the queue until a thread is free: left as they
    // are (a thread descheduled for a while, on cores shared with others, looks the same), and
    // no more checks until another thread has room (see `answered`).
    if (!this.#othersFree()) return;
    if (ranMs < threshold) return this.#watch(threshold - ranMs);
    if (!this.#othersHaveRoom()) return this.#watch(threshold);
    this.#stalled = true;
    this.lanes.set(1);
    const wake = this.wake;
    const revoked: PendingRun[] = [];
    for (const run of this.runs.values()) if (revokeRun(wake, run.id)) revoked.push(run);
    if (revoked.length === 0) return;
    revoked.sort((a, b) => a.sent - b.sent);
    for (const run of revoked) this.runs.take(run.id);
    this.setup.giveBack(revoked.map((run) => run.taskId));
  };

  /**
   * Whether another thread of this logic could take runs now: it has fewer in flight than its
   * limit, so the pool has a lane of it free. (The links of every pool made from one logic
   * value are counted together: a pool sharing its logic with another may give runs back for
   * nothing now and then.)
   */
  #othersHaveRoom(): boolean {
    for (const watch of this.siblings) if (watch !== this && watch.#hasRoom()) return true;
    return false;
  }

  /**
   * How long (ms) the thread has been in the synchronous part of its current run; 0 when it is
   * in none. (RUN_STARTED is read after RUNNING_NOW, which the thread writes after it: at worst
   * it is the start of a later run, never of an earlier one.)
   */
  #inRunFor(): number {
    if (this.wake[RUNNING_NOW]! < 0) return 0;
    return ((((performance.now() * 1000) | 0) - this.wake[RUN_STARTED]!) | 0) / 1000;
  }

  /**
   * Whether another thread of this logic has a lane free (fewer runs in flight than its limit):
   * only then is a check for a stall worth its timer.
   */
  #othersFree(): boolean {
    for (const watch of this.siblings) if (watch !== this && watch.#free()) return true;
    return false;
  }

  /** Room here now: the other threads' runs waiting behind a long one could come here. */
  #offerRoom(): void {
    for (const watch of this.siblings)
      if (watch !== this && watch.runs.size > 1 && watch.#timer === undefined) watch.#watch(0);
  }

  #free(): boolean {
    return this.#active && !this.#stalled && this.runs.size < this.lanes.value;
  }

  /** Ready, with fewer runs in flight than its limit, and not in a run past the stall threshold. */
  #hasRoom(): boolean {
    return this.#free() && this.#inRunFor() < stallAfterMs(runLengthMs(this.wake));
  }
}
