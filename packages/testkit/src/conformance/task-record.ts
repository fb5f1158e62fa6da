import {
  isOk,
  PoolClosedError,
  PoolFailedError,
  type SubmitOptions,
  type TaskResult,
} from '@troupe/core';
import {
  describeBehaviour,
  TaskBehaviourError,
  valueOf,
  type TaskBehaviour,
  type TestTask,
} from '../behaviour.js';

/** One task of a submit step: its behaviour and how it is submitted. */
export interface TaskSpec {
  readonly behaviour: TaskBehaviour;
  /** The submit's own `timeoutMs` (the pool's applies without it). */
  readonly timeoutMs?: number;
  /** Submitted with a signal that an `abort` step may abort. */
  readonly abortable?: boolean;
  /** The submit's `priority` (priority queues). */
  readonly priority?: number;
}

/** A promise's settlements, counted by handlers attached at once. */
export interface Tracked<T> {
  settled: number;
  rejected: boolean;
  value: T | undefined;
  error: unknown;
}

export function track<T>(promise: Promise<T>): Tracked<T> {
  const t: Tracked<T> = { settled: 0, rejected: false, value: undefined, error: undefined };
  promise.then(
    (value) => {
      t.settled++;
      t.value = value;
    },
    (error: unknown) => {
      t.settled++;
      t.rejected = true;
      t.error = error;
    },
  );
  return t;
}

/** What had happened to the pool when an outcome came: what may explain it. */
export interface Happenings {
  /** A worker crashed (or was replaced): a task running beside it may end `WorkerCrashed`. */
  readonly crashed: boolean;
  /** `close({ abort })` or a close deadline: tasks may end `TaskCancelled(PoolClosedError)`. */
  readonly closedHard: boolean;
  /** `close()` was called at all. */
  readonly closed: boolean;
  /** The pool failed: tasks may end cancelled or refused with `pool-failed`. */
  readonly failed: boolean;
  readonly overflow: 'reject' | 'wait' | 'drop-oldest';
}

/** One accepted task and everything seen of it. */
export class TaskRecord {
  readonly task: TestTask;
  readonly key: string;
  readonly reason: Error;
  readonly controller: AbortController | undefined;
  emissions = 0;
  outcome: TaskResult<number> | undefined;
  aborted = false;
  /** Its outcome was judged against its behaviour. */
  judged = false;
  promise: Tracked<TaskResult<number>> | undefined;

  constructor(
    id: number,
    readonly spec: TaskSpec,
    /** The timeout that applies: the submit's own, else the pool's. */
    readonly timeoutMs: number | undefined,
  ) {
    this.task = { id, behaviour: spec.behaviour };
    this.key = `t${id}`;
    this.reason = new Error(`task ${id} aborted by the test`);
    this.controller = spec.abortable === true ? new AbortController() : undefined;
  }

  get id(): number {
    return this.task.id;
  }

  options(): SubmitOptions {
    const { timeoutMs, priority } = this.spec;
    return {
      id: this.key,
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      ...(priority === undefined ? {} : { priority }),
      ...(this.controller === undefined ? {} : { signal: this.controller.signal }),
    };
  }

  /** `task 3 (slow 50 ms, timeout 100)`. */
  describe(): string {
    const t = this.timeoutMs === undefined ? '' : `, timeout ${this.timeoutMs}`;
    return `task ${this.id} (${describeBehaviour(this.spec.behaviour)}${t})`;
  }

  /** Whether it ends by itself once it runs: a hang needs a timeout (or an abort). */
  get finite(): boolean {
    return this.spec.behaviour.kind !== 'hang' || this.timeoutMs !== undefined;
  }
}

const tagOf = (r: TaskResult<number>): string => (isOk(r) ? 'a value' : r.left._tag);

/** Why `result` is not an outcome `rec`'s behaviour allows, given what had happened; or `undefined`. */
export function outcomeProblem(
  rec: TaskRecord,
  result: TaskResult<number>,
  h: Happenings,
): string | undefined {
  const b = rec.spec.behaviour;
  if (isOk(result)) {
    const returns = b.kind === 'ok' || b.kind === 'slow' || b.kind === 'settle-twice';
    if (!returns) return `${rec.describe()} ended with a value (${String(result.right)})`;
    return result.right === valueOf(rec.task)
      ? undefined
      : `${rec.describe()} ended with ${String(result.right)}, not its own value ${valueOf(rec.task)}`;
  }
  const e = result.left;
  let ok: boolean;
  switch (e._tag) {
    case 'TaskFailed':
      ok = b.kind === 'throw' && e.cause instanceof TaskBehaviourError && e.cause.taskId === rec.id;
      break;
    case 'WorkerCrashed':
      ok = b.kind === 'crash' || h.crashed;
      break;
    case 'TaskTimedOut':
      ok =
        rec.timeoutMs !== undefined &&
        (b.kind === 'hang' || (b.kind === 'slow' && b.ms >= rec.timeoutMs));
      break;
    case 'TaskCancelled':
      ok =
        (rec.aborted && e.cause === rec.reason) ||
        (e.cause instanceof PoolClosedError && h.closedHard) ||
        (e.cause instanceof PoolFailedError && h.failed);
      break;
    case 'TaskRejected':
      ok =
        (e.reason === 'queue-full' && h.overflow === 'drop-oldest') ||
        (e.reason === 'pool-failed' && h.failed) ||
        (e.reason === 'pool-closed' && h.closed);
      break;
  }
  return ok
    ? undefined
    : `${rec.describe()} ended ${tagOf(result)}${detail(result)}: its behaviour and what happened allow no such end`;
}

function detail(r: TaskResult<number>): string {
  if (isOk(r)) return '';
  const e = r.left as { reason?: unknown; cause?: unknown };
  if (typeof e.reason === 'string') return ` (${e.reason})`;
  return e.cause instanceof Error ? ` (cause: ${e.cause.name}: ${e.cause.message})` : '';
}
