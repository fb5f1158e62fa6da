/**
 * The one place where fp-ts meets Troupe: task results are `Either<TaskError, TOutput>`.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { TaskError } from './errors.js';

export type { Either, Left, Right } from 'fp-ts/lib/Either.js';

/** What `submit` resolves to: a value, or the reason there is none. */
export type TaskResult<TOutput> = E.Either<TaskError, TOutput>;

/** Wraps a task's value. */
export const ok: <TOutput>(value: TOutput) => TaskResult<TOutput> = E.right;

/** Wraps a task's error. */
export const err: <TOutput = never>(error: TaskError) => TaskResult<TOutput> = E.left;

/** `true` when the result holds a value. */
export const isOk: <TOutput>(result: TaskResult<TOutput>) => result is E.Right<TOutput> = E.isRight;

/** `true` when the result holds a `TaskError`. */
export const isErr: <TOutput>(result: TaskResult<TOutput>) => result is E.Left<TaskError> =
  E.isLeft;

/** Returns the value, or throws the `TaskError`: how `run` turns an `Either` into a promise. */
export function unwrap<TOutput>(result: TaskResult<TOutput>): TOutput {
  if (E.isLeft(result)) throw result.left;
  return result.right;
}
