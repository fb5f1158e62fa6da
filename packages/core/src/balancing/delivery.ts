import { TaskFailed, type RejectReason, type TaskRejected } from '../errors.js';
import { err, type Left, type TaskResult } from '../result.js';
import { SUBMIT_VIA, SUBMIT_WITH, type SettleWatch } from '../sink.js';
import { routed, type Routed } from './held-tasks.js';
import type { Member } from './member.js';

/**
 * How a task reaches a member and its answer comes back, in the cheapest way the member takes:
 * with a watch (`SUBMIT_VIA`: the member's promise is the caller's, nothing kept per task), with
 * a callback (`SUBMIT_WITH`: one promise per task, the balancer's), or through `submit` and a
 * `.then` (any other sink).
 */

/** Refusals of a member that leave the task unrun: it may go to another member. */
const BOUNCED: ReadonlySet<RejectReason> = new Set(['queue-full', 'pool-closed', 'pool-failed']);

/** Whether a member's answer leaves the task unrun (it may go to another member). */
export const isBounce = <T>(result: TaskResult<T>): result is Left<TaskRejected> =>
  result._tag === 'Left' && result.left._tag === 'TaskRejected' && BOUNCED.has(result.left.reason);

/** What the roster is asked to route for a task sent bare: no key, no member tried. */
export const BARE: Routed<unknown, unknown> = routed(undefined, undefined, undefined, undefined, 0);

/** What the balancer does with a member's answer: the caller's outcome, or the promise of it when the task goes on. */
export type Answered<TInput, TOutput> = (
  task: Routed<TInput, TOutput>,
  result: TaskResult<TOutput>,
) => Promise<TaskResult<TOutput>> | TaskResult<TOutput>;

// The caller's promise of a task sent with a callback, made by one shared executor, not a
// closure per task: `promiseOf` parks the task here for it.
let parked: Routed<unknown, unknown> | undefined;
const captureDone = (resolve: (result: never) => void): void => {
  parked!.done = resolve as (result: unknown) => void;
};

function promiseOf<TInput, TOutput>(task: Routed<TInput, TOutput>): Promise<TaskResult<TOutput>> {
  parked = task as Routed<unknown, unknown>;
  const promise = new Promise<TaskResult<TOutput>>(captureDone);
  parked = undefined;
  return promise;
}

/** Settles the caller's promise of `task` (sent with a callback) with what `answered` makes of `result`. */
export function answer<TInput, TOutput>(
  task: Routed<TInput, TOutput>,
  result: TaskResult<TOutput>,
  answered: Answered<TInput, TOutput>,
): void {
  // Taken first: a bounce sends the task on with a promise (and a `done`) of its own.
  const done = task.done!;
  task.done = undefined;
  // Called from inside the member's settle: a throw here must not leave the caller unanswered.
  let outcome: Promise<TaskResult<TOutput>> | TaskResult<TOutput>;
  try {
    outcome = answered(task, result);
  } catch (cause) {
    outcome = err(new TaskFailed(cause));
  }
  done(outcome);
}

/** Sends `task` to `member` with a callback, or through `submit`; returns the caller's promise. */
export function deliver<TInput, TOutput>(
  task: Routed<TInput, TOutput>,
  member: Member<TInput, TOutput>,
  answered: Answered<TInput, TOutput>,
): Promise<TaskResult<TOutput>> {
  task.member = member;
  const settling = member.settling;
  if (settling !== undefined) {
    const promise = promiseOf(task);
    let refusal: TaskResult<TOutput> | undefined;
    try {
      refusal = settling[SUBMIT_WITH](
        task.input,
        task.options,
        (task.answer ??= (result) => answer(task, result, answered)),
      );
    } catch (cause) {
      refusal = err(new TaskFailed(cause));
    }
    if (refusal !== undefined) answer(task, refusal, answered);
    return promise;
  }
  let submitted: Promise<TaskResult<TOutput>>;
  try {
    submitted = member.sink.submit(task.input, task.options);
  } catch (cause) {
    submitted = Promise.resolve(err(new TaskFailed(cause)));
  }
  return submitted.then((result) => answered(task, result));
}

/**
 * Sends `input` (no options) to `member` with its watch: the member's promise (the caller's),
 * or its refusal when it did not admit the task.
 */
export function deliverBare<TInput, TOutput>(
  input: TInput,
  member: Member<TInput, TOutput>,
  watch: SettleWatch,
): Promise<TaskResult<TOutput>> | TaskResult<TOutput> {
  try {
    return member.watched![SUBMIT_VIA](input, undefined, watch);
  } catch (cause) {
    return err(new TaskFailed(cause));
  }
}

/** A task sent bare to `member` settled there: `heard` returns `true` when it takes the task over. */
export class BareWatch<TInput, TOutput> implements SettleWatch {
  extras: unknown = undefined;
  constructor(
    readonly member: Member<TInput, TOutput>,
    readonly heard: (
      member: Member<TInput, TOutput>,
      input: TInput,
      result: TaskResult<TOutput>,
      resolve: (result: unknown) => void,
    ) => boolean,
  ) {}

  settled(
    input: unknown,
    result: TaskResult<unknown>,
    resolve: (result: unknown) => void,
  ): boolean {
    try {
      return this.heard(this.member, input as TInput, result as TaskResult<TOutput>, resolve);
    } catch {
      // The balancer's own bookkeeping failed: the member answers the caller, as it would.
      return false;
    }
  }
}
