import type { Attributes, Context, Span, Tracer } from '@opentelemetry/api';
import type { TaskError } from '../errors.js';
import type { TaskResult } from '../result.js';
import { TaskState, type Task } from '../engine/task.js';
import type { Clock } from '../time/clock.js';
import type { OtelApi } from './otel-api.js';
import type { TaskTracing } from './task-tracing.js';
import type { TracerLike } from './tracing-options.js';

/** The name of the span of a task's wait in the queue (from submit, or a failed run's end, to a run's start). */
export const QUEUE_SPAN = 'troupe.queue';
/** The name of the span of one run of a task. */
export const RUN_SPAN = 'troupe.run';

/** `troupe.task.outcome` of a task that ended with each error. */
const OUTCOMES: Readonly<Record<TaskError['_tag'], string>> = {
  TaskFailed: 'failed',
  TaskTimedOut: 'timed-out',
  TaskCancelled: 'cancelled',
  TaskRejected: 'rejected',
  WorkerCrashed: 'crashed',
};

/** One unsettled task of a traced pool. */
export class TaskTrace {
  /** The span of the run in progress (until it ends: a value, a failure, the task settled). */
  run: Span | undefined = undefined;
  /** The context the run's code runs in: the run span's, under the submitter's. */
  runContext: Context | undefined = undefined;
  constructor(
    /** The context that was active when the task was submitted: its spans' parent. */
    readonly parent: Context,
    /** Clock time since when it waits: its submit, or the end of its last run. */
    public waitingSince: number,
  ) {}
}

/**
 * A traced pool's spans: per task, `troupe.queue` for each wait in the queue and `troupe.run`
 * for each run, both children of the context that was active when the task was submitted, timed
 * on the pool's clock. A wait's span is made when it ends (a run starts, or the task ends in the
 * queue), so a task holds no open span while queued: just its parent context and a time.
 */
export class OtelTaskTracing implements TaskTracing {
  readonly #tasks = new Map<Task, TaskTrace>();
  readonly #api: OtelApi;
  readonly #tracer: Tracer;
  readonly #pool: string;
  readonly #clock: Clock;

  constructor(api: OtelApi, tracer: TracerLike, pool: string, clock: Clock) {
    this.#api = api;
    this.#tracer = tracer as Tracer;
    this.#pool = pool;
    this.#clock = clock;
  }

  /** Unsettled tasks traced now (for tests: nothing is kept past a task's end). */
  get size(): number {
    return this.#tasks.size;
  }

  submitted(task: Task, now: number): void {
    this.#tasks.set(task, new TaskTrace(this.#api.context.active(), now));
  }

  /**
   * A run of `task` starts on worker `workerId`: its wait's span is recorded and its run's span
   * begins. Returns the task's trace, `undefined` for a task not traced.
   */
  runStarted(task: Task, workerId: string): TaskTrace | undefined {
    const t = this.#tasks.get(task);
    if (t === undefined) return undefined;
    const now = this.#clock.now();
    // A run given back to the queue unanswered (its thread went, it was never started there).
    if (t.run !== undefined) this.#endRun(t, now, undefined, 'requeued');
    const attributes = this.#attributes(task);
    attributes['troupe.worker.id'] = workerId;
    const run = this.#tracer.startSpan(RUN_SPAN, { startTime: now, attributes }, t.parent);
    // The wait's span only beside a recorded run: under the same parent the sampler decides
    // alike, and a task sampled out then costs one span, not two.
    if (run.isRecording()) {
      const wait = { startTime: t.waitingSince, attributes: this.#attributes(task) };
      this.#tracer.startSpan(QUEUE_SPAN, wait, t.parent).end(now);
    }
    t.run = run;
    t.runContext = this.#api.trace.setSpan(t.parent, run);
    return t;
  }

  runFailed(task: Task, error: TaskError, now: number): void {
    const t = this.#tasks.get(task);
    if (t === undefined || t.run === undefined) return;
    this.#endRun(t, now, error, OUTCOMES[error._tag]);
    t.waitingSince = now;
  }

  settled(task: Task, result: TaskResult<unknown>): void {
    const t = this.#tasks.get(task);
    if (t === undefined) return;
    this.#tasks.delete(task);
    const now = this.#clock.now();
    const error = result._tag === 'Left' ? result.left : undefined;
    const outcome = error === undefined ? 'completed' : OUTCOMES[error._tag];
    if (task.state === TaskState.running) {
      // Its run's span is open, unless the failure of the run already ended it.
      if (t.run !== undefined) this.#endRun(t, now, error, outcome);
      return;
    }
    // Ended before a run: queued, waiting for room, or waiting out a retry delay.
    if (t.run !== undefined) this.#endRun(t, now, undefined, 'requeued');
    const attributes = this.#attributes(task);
    attributes['troupe.task.outcome'] = outcome;
    const span = this.#tracer.startSpan(
      QUEUE_SPAN,
      { startTime: t.waitingSince, attributes },
      t.parent,
    );
    if (error !== undefined) this.#failSpan(span, error);
    span.end(now);
  }

  #endRun(t: TaskTrace, now: number, error: TaskError | undefined, outcome: string): void {
    const span = t.run!;
    t.run = undefined;
    t.runContext = undefined;
    span.setAttribute('troupe.task.outcome', outcome);
    if (error !== undefined) this.#failSpan(span, error);
    span.end(now);
  }

  #failSpan(span: Span, error: TaskError): void {
    span.setAttribute('error.type', error._tag);
    span.setStatus({ code: this.#api.SpanStatusCode.ERROR, message: error.message });
    const cause: unknown = error.cause;
    if ((error._tag === 'TaskFailed' || error._tag === 'WorkerCrashed') && cause instanceof Error)
      span.recordException(cause);
  }

  #attributes(task: Task): Attributes {
    const x = task.x;
    const attributes: Attributes = {
      'troupe.pool.name': this.#pool,
      'troupe.task.attempt': x?.attempt ?? 1,
    };
    if (x?.id !== undefined) attributes['troupe.task.id'] = x.id;
    return attributes;
  }
}
