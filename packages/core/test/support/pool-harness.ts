/**
 * The pool under test for the property tests: submits tagged tasks and records every start,
 * outcome, promise settlement, state transition and worker crash as it happens.
 */
import {
  createPool,
  isOk,
  TaskTimedOut,
  type Pool,
  type PoolMetrics,
  type PoolState,
  type RejectReason,
  type SubmitOptions,
  type TaskContext,
  type TaskResult,
  type VirtualClock,
} from '@troupe/core';
import { createTestClock, type TestClock } from '@troupe/testkit';

/** ok: resolves at once; throw: rejects at once; crash: throws WorkerCrashedError; hang: settles only on abort; slow: resolves after `ms`. */
export type Kind = 'ok' | 'throw' | 'crash' | 'hang' | 'slow';
export interface TaskSpec {
  readonly kind: Kind;
  readonly ms: number;
  readonly timeoutMs?: number | undefined;
  readonly abortable: boolean;
}
export interface PoolConfig {
  readonly size: number;
  readonly timeoutMs?: number | undefined;
}

/** A promise's settlements, counted by callbacks attached at once. */
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

const LEGAL = new Set(
  [
    'stopped>starting',
    'starting>running',
    'starting>closing',
    'starting>failed',
    'running>closing',
  ].concat(['running>failed', 'closing>stopped', 'failed>starting', 'failed>closing']),
);

/** One submitted task and everything observed about it. */
export class TaskRec {
  readonly error: Error;
  readonly reason: Error;
  readonly controller: AbortController | undefined;
  started: { at: number; workerId: string } | undefined;
  starts = 0;
  emissions = 0;
  outcome: { result: TaskResult<number>; at: number } | undefined;
  abortedAt: number | undefined;
  promise: Tracked<TaskResult<number>> | undefined;
  constructor(
    readonly id: number,
    readonly spec: TaskSpec,
    /** The timeout that applies: the task's own, else the pool's. */
    readonly effT: number | undefined,
  ) {
    this.error = new Error(`thrown by task ${id}`);
    this.reason = new Error(`abort of task ${id}`);
    this.controller = spec.abortable ? new AbortController() : undefined;
  }
  options(): SubmitOptions | undefined {
    const { timeoutMs } = this.spec;
    const signal = this.controller?.signal;
    if (timeoutMs === undefined && signal === undefined) return undefined;
    return {
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      ...(signal === undefined ? {} : { signal }),
    };
  }
  /** When it settles by itself once started (Infinity: only an abort ends it). */
  naturalEnd(): number {
    const s = this.started;
    if (s === undefined) return Infinity;
    const { kind, ms } = this.spec;
    const run = kind === 'slow' ? ms : kind === 'hang' ? Infinity : 0;
    return s.at + Math.min(run, this.effT ?? Infinity);
  }
  tag(): string {
    if (this.outcome === undefined) return 'pending';
    const r = this.outcome.result;
    return isOk(r) ? 'ok' : r.left._tag;
  }
}

/** Runs a started task: how the task's kind is played (virtual clock or fast-check scheduler). */
export type Play = (rec: TaskRec, ctx: TaskContext) => Promise<number>;

/** The pool under test plus everything observed about it. */
export class Harness {
  readonly clock: TestClock = createTestClock();
  readonly pool: Pool<TaskRec, number>;
  /** Accepted tasks; the dispatcher's task id is the index + 1. */
  readonly tasks: TaskRec[] = [];
  /** Submits refused at the door, with the reason expected. */
  readonly doors: { reason: RejectReason; promise: Tracked<TaskResult<number>> }[] = [];
  /** Workers reported crashed, and (`hung`) runs left behind past their timeout. */
  readonly crashes: { at: number; workerId: string; hung: boolean }[] = [];
  readonly closes: Tracked<void>[] = [];
  readonly resizes: Tracked<void>[] = [];
  /** Workers chosen to stop after their current task (a shrink). */
  readonly retiring = new Set<string>();
  readonly violations: string[] = [];
  #lastStarted = 0;

  constructor(
    readonly config: PoolConfig,
    play: (h: Harness) => Play,
  ) {
    const run = play(this);
    this.pool = createPool<TaskRec, number>({
      worker: (rec, ctx) => {
        this.#onStart(rec, ctx);
        return run(rec, ctx);
      },
      size: config.size,
      clock: this.clock,
      // The model replaces a crashed worker at once: no restart backoff.
      supervision: { backoff: { minMs: 0, maxMs: 0, jitter: 0 } },
      ...(config.timeoutMs === undefined ? {} : { timeoutMs: config.timeoutMs }),
    });
    this.pool.results$.subscribe(({ taskId, result }) => this.#onResult(taskId, result));
    let last: PoolState | undefined;
    this.pool.state$.subscribe((state) => {
      if (last !== undefined && !LEGAL.has(`${last}>${state}`))
        this.violations.push(`illegal transition ${last} → ${state}`);
      last = state;
    });
    this.pool.events$.subscribe((e) => {
      // A run past its deadline is left behind, its worker kept ('fail-task', the default).
      if (e.type === 'task.timed-out')
        this.crashes.push({ at: this.clock.now(), workerId: e.workerId, hung: true });
      else if (e.type === 'worker.crashed' && !(e.cause instanceof TaskTimedOut))
        this.crashes.push({ at: this.clock.now(), workerId: e.workerId, hung: false });
    });
  }

  metrics(): PoolMetrics {
    return this.pool.getSnapshot().metrics;
  }

  /** Submits a task; `accepted` is read off the `submitted` counter, synchronously. */
  submit(spec: TaskSpec): { rec: TaskRec; accepted: boolean } {
    const rec = new TaskRec(this.tasks.length + 1, spec, spec.timeoutMs ?? this.config.timeoutMs);
    const before = this.metrics().submitted;
    this.tasks.push(rec);
    const promise = this.pool.submit(rec, rec.options());
    const accepted = this.metrics().submitted === before + 1;
    if (!accepted) this.tasks.pop();
    rec.promise = track(promise);
    return { rec, accepted };
  }

  /** Aborts a task's signal, noting the time if it was still unsettled. */
  abort(rec: TaskRec): void {
    if (rec.outcome === undefined) rec.abortedAt = this.clock.now();
    rec.controller?.abort(rec.reason);
  }

  unsettled(): TaskRec[] {
    return this.tasks.filter((t) => t.outcome === undefined);
  }

  #onStart(rec: TaskRec, ctx: TaskContext): void {
    const bad = (msg: string): number =>
      this.violations.push(`task ${rec.id} (${rec.spec.kind}) ${msg}`);
    if (ctx.taskId !== rec.id) bad(`ran with ctx.taskId ${ctx.taskId}`);
    if (rec.outcome !== undefined) bad(`started after it settled (${rec.tag()})`);
    if (rec.starts++ > 0) bad('started twice');
    if (rec.id <= this.#lastStarted) bad(`started after task ${this.#lastStarted}: not FIFO`);
    if (this.retiring.has(ctx.workerId)) bad(`started on retiring worker ${ctx.workerId}`);
    this.#lastStarted = Math.max(this.#lastStarted, rec.id);
    rec.started = { at: this.clock.now(), workerId: ctx.workerId };
  }

  #onResult(taskId: number, result: TaskResult<number>): void {
    const rec = this.tasks[taskId - 1];
    if (rec === undefined) {
      this.violations.push(`results$ emitted unknown task ${taskId}`);
      return;
    }
    if (++rec.emissions > 1)
      this.violations.push(
        `task ${taskId} settled twice (${rec.tag()}, then ${isOk(result) ? 'ok' : result.left._tag})`,
      );
    else rec.outcome = { result, at: this.clock.now() };
    const problem = conservationProblem(this.metrics());
    if (problem !== undefined) this.violations.push(`while task ${taskId} settled: ${problem}`);
  }
}

/** `submitted = completed + failed + crashed + timedOut + cancelled + dropped + waiting + queued + active`, all >= 0. */
export function conservationProblem(m: PoolMetrics): string | undefined {
  const parts = [
    m.completed,
    m.failed,
    m.crashed,
    m.timedOut,
    m.cancelled,
    m.dropped,
    m.waiting,
    m.queued,
    m.active,
  ];
  if ([m.submitted, m.rejected, ...parts].some((n) => n < 0))
    return `negative counter in ${JSON.stringify(parts)}`;
  const sum = parts.reduce((a, b) => a + b, 0);
  return sum === m.submitted
    ? undefined
    : `counters do not conserve: submitted ${m.submitted} != ${sum} ${JSON.stringify(parts)}`;
}

/** The reason of a door rejection (`Left(TaskRejected)` with no task id), else what the result is. */
export function doorReason(r: TaskResult<number> | undefined): string {
  if (r === undefined) return 'pending';
  if (isOk(r)) return 'ok';
  const e = r.left;
  return e._tag === 'TaskRejected' && e.taskId === undefined
    ? e.reason
    : `${e._tag} (task ${String(e.taskId)})`;
}

/** Steps virtual time until `done()` (bounded); true when it got there. */
export async function advanceUntil(
  clock: VirtualClock,
  done: () => boolean,
  stepMs = 100,
  maxSteps = 400,
): Promise<boolean> {
  for (let i = 0; i < maxSteps && !done(); i++) await clock.advance(stepMs);
  return done();
}
