import type { TaskContext } from '@troupe/core';

/** What a pending run reports its abort to. */
export interface AbortTarget {
  abortRun(run: PendingRun, reason: unknown): void;
}

/** A run sent to a thread and not answered yet: how to settle its promise. */
export class PendingRun {
  resolve!: (value: unknown) => void;
  reject!: (error: unknown) => void;
  constructor(
    readonly link: AbortTarget,
    readonly id: number,
    readonly ctx: TaskContext<unknown>,
  ) {}

  get taskId(): number {
    return this.ctx.taskId;
  }

  /** A run with its promise, made through one shared executor (as core's TaskFlow does). */
  static start(
    link: AbortTarget,
    id: number,
    ctx: TaskContext<unknown>,
  ): [PendingRun, Promise<unknown>] {
    const run = new PendingRun(link, id, ctx);
    capturing = run;
    const promise = new Promise<unknown>(capture);
    capturing = undefined;
    return [run, promise];
  }
}

let capturing: PendingRun | undefined;
const capture = (resolve: (value: unknown) => void, reject: (error: unknown) => void): void => {
  capturing!.resolve = resolve;
  capturing!.reject = reject;
};
