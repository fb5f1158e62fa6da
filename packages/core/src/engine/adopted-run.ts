import { describeValue } from '../describe-value.js';
import type { Task } from './task.js';
import type { RunContext, Slot, SlotOwner } from './worker-slot.js';

/** Who an adopted run answers to: the runner, which also reports answers it drops. */
export interface AdoptedRunOwner extends SlotOwner {
  reportStrayAnswer(workerId: string, taskId: number | undefined, detail: string): void;
  /** Counts a dropped answer (the `late` metric). */
  countLate(): void;
}

/** Where an adopted run is (plain numbers: one object per foreign result, no more). */
const IN_THEN = 0; // its `then` has not returned yet
const PENDING = 1; // `then` returned without an answer: the answer comes later
const ANSWERED_IN_THEN = 2; // answered while `then` ran: the runner settles it when `then` returns
const DONE = 3; // answered and handed on: anything more is stray

/**
 * A run whose result is a thenable other than a native promise, adopted as Promises/A+ adopts
 * one: the first call-back wins, a throw from `then` fails the run unless a call-back came first,
 * and later call-backs are dropped and reported (they must never settle the next task on the same
 * lane). A call-back made while `then` itself runs is kept, not acted on, so that the runner
 * settles it when `then` returns and takes the next task in its loop: a thenable that answers
 * synchronously never recurses once per queued task.
 *
 * Native promises never need this (they answer once, later): they keep the slot's bound
 * handlers, so the hot path allocates nothing for it.
 */
export class AdoptedRun {
  state: 0 | 1 | 2 | 3 = IN_THEN;
  value: unknown = undefined;
  failed = false;
  readonly onOk = (value: unknown): void => this.answer(value, false);
  readonly onErr = (error: unknown): void => this.answer(error, true);

  readonly slot: Slot;
  readonly task: Task;

  constructor(
    readonly owner: AdoptedRunOwner,
    /** The run's context: while the slot still has it, the run is the slot's (not one left behind). */
    readonly ctx: RunContext,
  ) {
    this.slot = ctx.slot;
    this.task = ctx.task;
  }

  /**
   * Calls `then` on the thenable. Returns `true` when the run was answered meanwhile (its
   * answer is in `value` and `failed`, for the caller to settle), `false` when it answers later.
   */
  adopt(thenable: unknown, then: (this: unknown, ...handlers: unknown[]) => unknown): boolean {
    try {
      then.call(thenable, this.onOk, this.onErr);
    } catch (error) {
      // A throw after a call-back is ignored (Promises/A+ 2.3.3.3.4.1).
      if (this.state === IN_THEN) this.keep(error, true);
    }
    if (this.state === ANSWERED_IN_THEN) {
      this.state = DONE;
      return true;
    }
    this.state = PENDING;
    return false;
  }

  private keep(value: unknown, failed: boolean): void {
    this.state = ANSWERED_IN_THEN;
    this.value = value;
    this.failed = failed;
  }

  private answer(value: unknown, failed: boolean): void {
    const state = this.state;
    if (state === IN_THEN) return this.keep(value, failed);
    if (state === PENDING && this.slot.ctx === this.ctx) {
      this.state = DONE;
      return this.owner.finish(this.slot, value, failed);
    }
    this.owner.countLate();
    this.owner.reportStrayAnswer(
      this.slot.id,
      this.task.id,
      `task ${this.task.id}'s run had already answered; a further ${failed ? 'error' : 'value'} ${describeValue(value)} was dropped`,
    );
  }
}
