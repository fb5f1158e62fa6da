/** Reading task results in assertions: the value or error tag, and the rejection reason. */
import { isErr, isOk, TaskRejected, type TaskResult } from '@troupe/core';

/** `'ok'` for a Right, else the error's `_tag`. */
export const tagOf = (r: TaskResult<unknown>): string => (isErr(r) ? r.left._tag : 'ok');

/** The value of a Right, else the error's `_tag`. */
export const valueOf = (r: TaskResult<unknown>): unknown => (isOk(r) ? r.right : r.left._tag);

/** The `reason` of a `TaskRejected`, else `undefined`. */
export const reasonOf = (r: TaskResult<unknown>): string | undefined =>
  isErr(r) && r.left instanceof TaskRejected ? r.left.reason : undefined;

/** The `TaskRejected` in a result, or a description of what the result is instead. */
export function rejection(r: TaskResult<string>): TaskRejected | string {
  if (!isErr(r)) return `Right(${r.right})`;
  return r.left instanceof TaskRejected ? r.left : r.left._tag;
}
