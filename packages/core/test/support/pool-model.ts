/**
 * What the pool is allowed to do: outcome rules per task kind, counters that agree with what was
 * observed, the end-of-run checks, and the lifecycle model the fc.commands test runs against.
 */
import { expect } from 'vitest';
import {
  isOk,
  PoolClosedError,
  PoolFailedError,
  PoolStateError,
  WorkerCrashedError,
  type PoolState,
  type RejectReason,
} from '@troupe/core';
import { TaskBehaviourError } from '@troupe/testkit';
import { conservationProblem, doorReason, track, TaskRec, type Harness } from './pool-harness.js';

const RESTART_LIMIT = { maxRestarts: 5, withinMs: 10_000 } as const;

/** Counters agree with what was observed, and conserve. */
export function expectCounters(h: Harness): void {
  const m = h.metrics();
  const tally = (tag: string): number => h.tasks.filter((t) => t.tag() === tag).length;
  expect(conservationProblem(m)).toBeUndefined();
  expect({
    submitted: m.submitted,
    rejected: m.rejected,
    completed: m.completed,
    failed: m.failed,
    crashed: m.crashed,
    timedOut: m.timedOut,
    cancelled: m.cancelled,
    dropped: m.dropped,
    inFlight: m.waiting + m.queued + m.active,
    crashes: m.crashes,
    hangs: m.hangs,
  }).toEqual({
    submitted: h.tasks.length,
    rejected: h.doors.length,
    completed: tally('ok'),
    failed: tally('TaskFailed'),
    crashed: tally('WorkerCrashed'),
    timedOut: tally('TaskTimedOut'),
    cancelled: tally('TaskCancelled'),
    dropped: tally('TaskRejected'),
    inFlight: tally('pending'),
    crashes: h.crashes.filter((c) => !c.hung).length,
    hangs: h.crashes.filter((c) => c.hung).length,
  });
}

/** When the pool cancelled or refused in bulk. Strict: the exact times; loose: non-empty once it happened at all. */
export interface Causes {
  readonly strict: boolean;
  readonly failTimes: readonly number[];
  readonly closeTimes: readonly number[];
}

/** Why `rec`'s outcome is not one its kind allows (with exact times in strict mode), or `undefined`. */
export function outcomeProblem(rec: TaskRec, c: Causes): string | undefined {
  const o = rec.outcome;
  if (o === undefined) return undefined;
  const { kind, ms } = rec.spec;
  const s = rec.started;
  const T = rec.effT;
  const at = (expected: number): boolean => !c.strict || o.at === expected;
  const when = (times: readonly number[]): boolean =>
    c.strict ? times.includes(o.at) : times.length > 0;
  const ended = (): boolean => !c.strict || o.at <= rec.naturalEnd();
  let ok: boolean;
  if (isOk(o.result)) {
    ok =
      o.result.right === rec.id &&
      s !== undefined &&
      (kind === 'ok'
        ? at(s.at)
        : kind === 'slow' && at(s.at + ms) && (!c.strict || T === undefined || T >= ms));
  } else {
    const e = o.result.left;
    switch (e._tag) {
      case 'TaskFailed':
        ok =
          kind === 'throw' &&
          s !== undefined &&
          at(s.at) &&
          (e.cause === rec.error ||
            (e.cause instanceof TaskBehaviourError && e.cause.taskId === rec.id)) &&
          e.taskId === rec.id;
        break;
      case 'WorkerCrashed':
        ok =
          kind === 'crash' &&
          s !== undefined &&
          at(s.at) &&
          e.cause instanceof WorkerCrashedError &&
          e.workerId === s.workerId;
        break;
      case 'TaskTimedOut':
        ok =
          (kind === 'hang' || kind === 'slow') &&
          T !== undefined &&
          s !== undefined &&
          at(s.at + T) &&
          e.timeoutMs === T &&
          (!c.strict || kind === 'hang' || T <= ms);
        break;
      case 'TaskCancelled':
        ok =
          ended() &&
          ((e.cause === rec.reason && rec.abortedAt !== undefined && at(rec.abortedAt)) ||
            (e.cause instanceof PoolClosedError && when(c.closeTimes)) ||
            (e.cause instanceof PoolFailedError && when(c.failTimes)));
        break;
      case 'TaskRejected':
        ok = e.reason === 'pool-failed' && s === undefined && when(c.failTimes);
        break;
    }
  }
  if (ok) return undefined;
  const started = s === undefined ? 'never started' : `started at ${s.at} on ${s.workerId}`;
  return `task ${rec.id} ${JSON.stringify(rec.spec)} (timeout ${String(T)}, ${started}) ended ${rec.tag()} at ${o.at}: not allowed`;
}

/** After the final close: every accepted task settled exactly once, every promise settled, counters exact, doors closed. */
export async function expectAllSettled(h: Harness, c: Causes): Promise<void> {
  await h.clock.flush();
  expect(h.violations).toEqual([]);
  expect(h.pool.getSnapshot().state).toBe('stopped');
  for (const t of h.tasks) {
    expect({
      id: t.id,
      emissions: t.emissions,
      settled: t.promise?.settled,
      rejected: t.promise?.rejected,
    }).toEqual({ id: t.id, emissions: 1, settled: 1, rejected: false });
    expect(t.promise?.value).toBe(t.outcome?.result);
    expect(outcomeProblem(t, c)).toBeUndefined();
  }
  for (const d of h.doors)
    expect([d.promise.settled, doorReason(d.promise.value)]).toEqual([1, d.reason]);
  for (const p of h.closes) expect([p.settled, p.rejected]).toEqual([1, false]);
  for (const p of h.resizes) {
    expect(p.settled).toBe(1);
    if (p.rejected) expect(p.error).toBeInstanceOf(PoolStateError);
  }
  expect(h.pool.getSnapshot().workers).toEqual([]);
  expectCounters(h);
  const after = track(
    h.pool.submit(new TaskRec(0, { kind: 'ok', ms: 0, abortable: false }, undefined)),
  );
  await h.clock.flush();
  expect(doorReason(after.value), 'submit to a stopped pool').toBe('pool-closed');
}

export const live = (s: string): boolean => s === 'starting' || s === 'idle' || s === 'busy';

/** The lifecycle model: what the pool must be and do after each command, on the virtual clock. */
export class PoolModel {
  state: PoolState = 'stopped';
  refusal: RejectReason = 'pool-closed';
  restarts: number[] = [];
  readonly failTimes: number[] = [];
  /** Times of close({ abort }) and of close deadlines: when PoolClosedError cancellations may happen. */
  readonly closeTimes: number[] = [];
  closeDeadline: number | undefined;
  closing: Promise<void> | undefined;
  /** close() has been called: once the pool is `stopped` it is closed for good. */
  closeCalled = false;
  /** Crashes the model has applied its restart rule to, and observed crash reports checked. */
  #crashesSeen = 0;
  #reportsSeen = 0;
  /**
   * The crashes the pool must report: those while it runs or closes, until it gives up. Once it
   * gave up (past the restart limit: failed if it was running; still closing if it was closing)
   * its workers are being stopped, and a stopped worker's crash is not reported — even one in the
   * same tick as the crash that made it give up.
   */
  readonly reported: { at: number; workerId: string }[] = [];
  /** The pool gave up while closing: it stays `closing` (to drain), but its workers are stopped. */
  #gaveUpClosing = false;
  constructor(public size: number) {}

  /** A close has reached `stopped`: `start()` throws from now on (close is final). */
  get closed(): boolean {
    return this.closeCalled && this.state === 'stopped';
  }

  causes(): Causes {
    return { strict: true, failTimes: this.failTimes, closeTimes: this.closeTimes };
  }

  /**
   * The crashes the rules predict: a task of kind `crash` crashes its worker as it starts. Runs
   * left behind past their timeout crash nothing (`timeouts: 'fail-task'`, the default).
   */
  expectedCrashes(h: Harness): { at: number; workerId: string }[] {
    return h.tasks.flatMap((t) =>
      t.spec.kind === 'crash' && t.started !== undefined
        ? [{ at: t.started.at, workerId: t.started.workerId }]
        : [],
    );
  }

  /** A crash or a run left behind the pool reported: it must have a task of the right kind as its cause. */
  #onReport(h: Harness, c: { at: number; workerId: string; hung: boolean }): void {
    const cause = h.tasks.find(
      (t) =>
        t.started?.workerId === c.workerId &&
        (c.hung ? t.spec.kind !== 'crash' && t.started.at + (t.effT ?? NaN) : t.started.at) ===
          c.at &&
        (c.hung || t.spec.kind === 'crash'),
    );
    expect(
      cause,
      `worker ${c.workerId} reported ${c.hung ? 'a run timed out' : 'crashed'} at ${c.at} without a ${c.hung ? 'timed-out' : 'crashing'} task`,
    ).toBeDefined();
  }

  /** A worker crashed (as the model predicts): the supervisor replaces it, or fails at the limit. */
  #onCrash(h: Harness, c: { at: number; workerId: string }): void {
    if (this.state !== 'running' && (this.state !== 'closing' || this.#gaveUpClosing)) return;
    this.reported.push(c);
    // A worker the pool already gave up (a shrink) is not restarted, so it does not count.
    if (h.retiring.has(c.workerId)) return;
    const recent = this.restarts.filter((t) => t > c.at - RESTART_LIMIT.withinMs);
    if (recent.length < RESTART_LIMIT.maxRestarts) {
      this.restarts = [...recent, c.at];
      return;
    }
    this.failTimes.push(c.at);
    if (this.state === 'running') [this.state, this.refusal] = ['failed', 'pool-failed'];
    else this.#gaveUpClosing = true;
  }

  /** Catches up with a step (crashes, drains, deadlines), then checks the pool against the model. */
  async step(h: Harness, advanced = false): Promise<void> {
    // (Restarts without backoff wait for the clock's next tick, not for time to pass.)
    await h.clock.advance(0);
    const now = h.clock.now();
    for (; this.#reportsSeen < h.crashes.length; this.#reportsSeen++)
      this.#onReport(h, h.crashes[this.#reportsSeen]!);
    const crashes = this.expectedCrashes(h);
    for (; this.#crashesSeen < crashes.length; this.#crashesSeen++)
      this.#onCrash(h, crashes[this.#crashesSeen]!);
    if (advanced && this.closeDeadline !== undefined && this.closeDeadline <= now) {
      expect(
        h.unsettled().map((t) => t.id),
        `close deadline ${this.closeDeadline} passed`,
      ).toEqual([]);
    }
    if (this.state === 'closing' && h.unsettled().length === 0) this.state = 'stopped';
    if (this.state === 'stopped') this.closeDeadline = undefined;
    this.#check(h, now);
  }

  #check(h: Harness, now: number): void {
    const snap = h.pool.getSnapshot();
    expect(h.violations).toEqual([]);
    expect(snap.state).toBe(this.state);
    expect(snap.size).toBe(this.size);
    if (this.state === 'failed' || this.state === 'running')
      expect(snap.failure !== undefined).toBe(this.state === 'failed');
    expectCounters(h);
    // The pool reports exactly the crashes the rules predict, and none of those workers lives on.
    const crashes = this.expectedCrashes(h);
    expect(
      h.crashes.filter((c) => !c.hung).map(({ at, workerId }) => ({ at, workerId })),
      'worker.crashed reports',
    ).toEqual(this.reported);
    const causes = this.causes();
    for (const t of h.tasks) {
      expect(outcomeProblem(t, causes)).toBeUndefined();
      expect([t.promise?.settled, t.promise?.rejected], `task ${t.id} promise`).toEqual([
        t.emissions,
        false,
      ]);
      if (t.outcome !== undefined) continue;
      expect(
        t.naturalEnd(),
        `task ${t.id} ${JSON.stringify(t.spec)} should have settled by ${now}`,
      ).toBeGreaterThan(now);
      expect(t.abortedAt, `task ${t.id} was aborted at ${String(t.abortedAt)}`).toBeUndefined();
      expect(
        this.state === 'failed' || this.state === 'stopped',
        `task ${t.id} unsettled while ${this.state}`,
      ).toBe(false);
    }
    for (const d of h.doors) expect(doorReason(d.promise.value)).toBe(d.reason);
    // Workers: the target size of steady ones, plus those retiring after a shrink.
    const workers = snap.workers.filter((w) => live(w.state));
    for (const id of h.retiring) if (!workers.some((w) => w.id === id)) h.retiring.delete(id);
    const steady = workers.filter((w) => !h.retiring.has(w.id)).length;
    if (this.state === 'running') expect(steady).toBe(this.size);
    else expect(steady).toBeLessThanOrEqual(this.size);
    expect(workers.length).toBeLessThanOrEqual(this.size + h.retiring.size);
    if (this.state === 'stopped' || this.state === 'failed') expect(snap.workers).toEqual([]);
    // Busy workers: those running an unsettled task, or a cancelled slow task that ignores its signal.
    const present = new Set(workers.map((w) => w.id));
    for (const c of crashes)
      expect(present.has(c.workerId), `worker ${c.workerId} crashed at ${c.at}: still live`).toBe(
        false,
      );
    const holding = h.tasks.filter(
      (t) =>
        t.outcome === undefined ||
        (t.tag() === 'TaskCancelled' && t.spec.kind === 'slow' && t.naturalEnd() > now),
    );
    const expectedBusy = holding.flatMap((t) =>
      t.started !== undefined && (t.outcome === undefined || present.has(t.started.workerId))
        ? [t.started.workerId]
        : [],
    );
    expect(
      workers
        .filter((w) => w.state === 'busy')
        .map((w) => w.id)
        .sort(),
      'busy workers',
    ).toEqual(expectedBusy.sort());
    if (snap.metrics.queued > 0) {
      expect(
        workers.map((w) => w.state),
        'queued tasks wait only while every worker is busy',
      ).not.toContain('idle');
      expect(workers.length, 'queued tasks need a worker').toBeGreaterThan(0);
    }
    // Lifecycle promises.
    if (this.state === 'stopped')
      for (const c of h.closes) expect([c.settled, c.rejected]).toEqual([1, false]);
    // Every resize settles once the pool has the latest size (no worker left retiring) or stops running.
    const reached = this.state === 'running' && h.retiring.size === 0;
    for (const r of h.resizes) {
      if (this.state !== 'running' || reached) expect(r.settled, 'resize settled').toBe(1);
      if (r.rejected) expect(r.error).toBeInstanceOf(PoolStateError);
    }
  }
}
