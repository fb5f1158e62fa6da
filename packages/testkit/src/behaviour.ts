import { WorkerCrashedError, type Clock, type TaskContext } from '@troupe/core';

/**
 * What a scripted task does when it runs. `ok`: returns its value at once; `throw`: fails
 * (`TaskFailed`); `hang`: settles only when its signal aborts; `crash`: throws
 * `WorkerCrashedError` (its worker crashes); `slow`: returns its value after `ms` (heeding its
 * signal or not); `settle-twice`: a thenable that answers its value at once and again `ms` later
 * (a misbehaving resource: the second answer must settle nothing).
 */
export type TaskBehaviour =
  | { readonly kind: 'ok' }
  | { readonly kind: 'throw' }
  | { readonly kind: 'hang' }
  | { readonly kind: 'crash' }
  | { readonly kind: 'slow'; readonly ms: number; readonly heedsAbort: boolean }
  | { readonly kind: 'settle-twice'; readonly ms: number };

/** The kinds of {@link TaskBehaviour}. */
export type BehaviourKind = TaskBehaviour['kind'];

/** A scripted task: the input the test kit's workers take. */
export interface TestTask {
  /** Unique in a run; a task that returns a value returns this. */
  readonly id: number;
  readonly behaviour: TaskBehaviour;
}

/** What a `throw` task throws: its task is named, so a failure can be traced to its task. */
export class TaskBehaviourError extends Error {
  override readonly name = 'TaskBehaviourError';
  constructor(readonly taskId: number) {
    super(`task ${taskId} threw, as scripted`);
  }
}

/** The value a task returns when it succeeds: its id. */
export const valueOf = (task: TestTask): number => task.id;

/** The second answer of a `settle-twice` task: a value no task returns. */
export const strayValueOf = (task: TestTask): number => -task.id;

/**
 * Plays a task's behaviour on `clock` (every delay through it). `onTimer` is told of each
 * timer a behaviour sets, so a test can tell them from the pool's own; `onEnd` is called when
 * the run first answers.
 */
export function playBehaviour(
  task: TestTask,
  ctx: Pick<TaskContext, 'onAbort'>,
  clock: Clock,
  onTimer: (handle: unknown) => void = () => undefined,
  onEnd?: () => void,
): PromiseLike<number> {
  const b = task.behaviour;
  if (b.kind === 'settle-twice') {
    return {
      then<R1 = number, R2 = never>(
        onOk?: ((value: number) => R1 | PromiseLike<R1>) | null,
      ): PromiseLike<R1 | R2> {
        onEnd?.();
        void onOk?.(valueOf(task));
        onTimer(clock.setTimeout(() => void onOk?.(strayValueOf(task)), b.ms));
        return undefined as unknown as PromiseLike<R1 | R2>;
      },
    };
  }
  const run = play(task, b, ctx, clock, onTimer);
  if (onEnd !== undefined) run.then(onEnd, onEnd);
  return run;
}

function play(
  task: TestTask,
  b: Exclude<TaskBehaviour, { kind: 'settle-twice' }>,
  ctx: Pick<TaskContext, 'onAbort'>,
  clock: Clock,
  onTimer: (handle: unknown) => void,
): Promise<number> {
  switch (b.kind) {
    case 'ok':
      return Promise.resolve(valueOf(task));
    case 'throw':
      return Promise.reject(new TaskBehaviourError(task.id));
    case 'crash':
      return Promise.reject(
        new WorkerCrashedError(`task ${task.id} broke its worker, as scripted`),
      );
    case 'hang':
      // The abort reason as it is, whatever was given (the pool settles the task by its own cause).
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      return new Promise<number>((_, reject) => ctx.onAbort((reason) => reject(reason)));
    case 'slow':
      return new Promise<number>((resolve, reject) => {
        onTimer(clock.setTimeout(() => resolve(valueOf(task)), b.ms));
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        if (b.heedsAbort) ctx.onAbort((reason) => reject(reason));
      });
  }
}

/** A behaviour in words, for traces: `ok`, `slow 50 ms`, `slow 50 ms (heeds abort)`. */
export function describeBehaviour(b: TaskBehaviour): string {
  switch (b.kind) {
    case 'slow':
      return `slow ${b.ms} ms${b.heedsAbort ? ' (heeds abort)' : ''}`;
    case 'settle-twice':
      return `settle-twice (again after ${b.ms} ms)`;
    default:
      return b.kind;
  }
}
