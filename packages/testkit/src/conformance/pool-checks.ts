import { isOk, PoolStateError, type PoolMetrics, type TaskResult } from '@troupe/core';
import type { PoolUnderTest } from './pool-under-test.js';
import { NeverSettlesError, TimersKeepReschedulingError } from '../test-clock-errors.js';
import { track } from './task-record.js';
import { describeError } from './violation.js';

const BUCKETS = [
  'completed',
  'failed',
  'crashed',
  'timedOut',
  'cancelled',
  'dropped',
  'waiting',
  'queued',
  'retrying',
  'active',
] as const;

const TAG_COUNTER: Record<string, (typeof BUCKETS)[number]> = {
  ok: 'completed',
  TaskFailed: 'failed',
  WorkerCrashed: 'crashed',
  TaskTimedOut: 'timedOut',
  TaskCancelled: 'cancelled',
  TaskRejected: 'dropped',
};

const tag = (r: TaskResult<number>): string => (isOk(r) ? 'ok' : r.left._tag);

/** The counters conserve, and agree with the tasks accepted, refused and settled as seen. */
function checkCounters(put: PoolUnderTest, m: PoolMetrics): void {
  const negative = BUCKETS.filter((b) => m[b] < 0);
  if (negative.length > 0) put.problem('counters', `negative counters: ${negative.join(', ')}`);
  const sum = BUCKETS.reduce((n, b) => n + m[b], 0);
  if (sum !== m.submitted)
    put.problem(
      'counters',
      `submitted ${m.submitted} != ${BUCKETS.map((b) => `${b} ${m[b]}`).join(' + ')} = ${sum}`,
    );
  if (m.submitted !== put.accepted.length)
    put.problem(
      'counters',
      `submitted is ${m.submitted}, yet ${put.accepted.length} tasks were accepted`,
    );
  if (m.rejected !== put.doors.length)
    put.problem(
      'counters',
      `rejected is ${m.rejected}, yet ${put.doors.length} submits were refused at the door`,
    );
  const seen: Partial<Record<(typeof BUCKETS)[number], number>> = {};
  let unsettled = 0;
  for (const rec of put.accepted) {
    if (rec.outcome === undefined) unsettled++;
    else {
      const counter = TAG_COUNTER[tag(rec.outcome)];
      if (counter !== undefined) seen[counter] = (seen[counter] ?? 0) + 1;
    }
  }
  for (const counter of Object.values(TAG_COUNTER)) {
    if (m[counter] !== (seen[counter] ?? 0))
      put.problem(
        'counters',
        `${counter} is ${m[counter]}, yet ${seen[counter] ?? 0} such outcomes were seen`,
      );
  }
  const inFlight = m.waiting + m.queued + m.retrying + m.active;
  if (inFlight !== unsettled)
    put.problem(
      'counters',
      `waiting + queued + retrying + active is ${inFlight}, yet ${unsettled} accepted tasks have not settled`,
    );
}

/** After each step: what must hold at any moment. */
export async function checkStep(put: PoolUnderTest): Promise<void> {
  // Timers due now (a restart without backoff) fire before anything is judged.
  await put.advance(0);
  put.judgeOutcomes();
  put.throwIfProblem();
  const snap = put.pool.getSnapshot();
  checkCounters(put, snap.metrics);
  if (put.shape.fixed && put.running && snap.size !== put.size)
    put.problem('size', `the pool's size is ${snap.size}, yet ${put.size} was asked for`);
  for (const r of put.resizes) {
    if (r.promise.settled === 0) continue;
    if (r.mustRefuse && !r.promise.rejected)
      put.problem(
        'api',
        `resize(${r.size}) while the pool was not running resolved: it must reject`,
      );
    if (r.promise.rejected && !(r.promise.error instanceof PoolStateError))
      put.problem(
        'api',
        `resize(${r.size}) rejected with ${String(r.promise.error)}, not a PoolStateError`,
      );
  }
  put.throwIfProblem();
}

/**
 * Ends a run: closes the pool (a drain when every task left ends by itself, else an abort) and
 * runs the clock until the close settles; then everything must have settled exactly once, the
 * pool be `stopped` with no worker and no timer of its own, and refuse what comes after.
 */
export async function finishRun(put: PoolUnderTest, maxSteps: number): Promise<void> {
  await checkStep(put);
  if (!put.closed) {
    const drain = put.accepted.every((r) => r.outcome !== undefined || r.finite);
    const how = drain ? 'close()' : 'close({ abort: true })';
    const closing = put.close(drain ? {} : { abort: true });
    put.throwIfProblem();
    try {
      await put.clock.runUntilSettled(closing ?? Promise.resolve(), { maxSteps });
    } catch (error) {
      if (!(error instanceof NeverSettlesError || error instanceof TimersKeepReschedulingError)) {
        put.problem('defect', `a timer threw ${describeError(error)}`);
        put.throwIfProblem();
      }
      const left = put.accepted.filter((r) => r.outcome === undefined).map((r) => r.describe());
      put.problem(
        'close',
        `${how} never settled, the pool ${put.state} with ${left.length === 0 ? 'no task' : left.join(', ')} unsettled: ${describeError(error)}`,
      );
      put.throwIfProblem();
    }
  }
  await checkClosed(put);
  const timers = put.clock.timers().filter((t) => !put.ownTimers.has(t.handle));
  if (timers.length > 0)
    put.problem(
      'close',
      `closed, yet ${timers.length} timer(s) of the pool are pending: ${timers.map((t) => t.label).join('; ')}`,
    );
  put.throwIfProblem();
}

/**
 * Once a pool's close resolved: it is `stopped` with no worker, every accepted task settled
 * exactly once (its promise too, with the same outcome), every refused submit and every close
 * settled once, the counters agree, and a submit now is refused `pool-closed`.
 */
export async function checkClosed(put: PoolUnderTest): Promise<void> {
  await put.clock.flush();
  put.judgeOutcomes();
  put.throwIfProblem();
  const snap = put.pool.getSnapshot();
  if (put.state !== 'stopped' || snap.state !== 'stopped')
    put.problem('close', `the close resolved, but the pool is ${snap.state}`);
  for (const rec of put.accepted) {
    const p = rec.promise;
    if (rec.emissions !== 1 || p?.settled !== 1 || p.rejected)
      put.problem(
        'settles-once',
        `${rec.describe()}: ${rec.emissions} outcomes told, its promise settled ${p?.settled ?? 0} times${p?.rejected === true ? ' (rejected)' : ''}`,
      );
    else if (p.value !== rec.outcome)
      put.problem('settles-once', `${rec.describe()}: its promise and results$ disagree`);
  }
  for (const d of put.doors) {
    const v = d.value;
    if (
      d.settled !== 1 ||
      d.rejected ||
      v === undefined ||
      isOk(v) ||
      v.left._tag !== 'TaskRejected'
    )
      put.problem(
        'settles-once',
        `a submit refused at the door settled ${d.settled} times, with ${v === undefined ? 'nothing' : tag(v)}`,
      );
  }
  for (const c of put.closes)
    if (c.settled !== 1 || c.rejected)
      put.problem(
        'close',
        `a close() promise settled ${c.settled} times${c.rejected ? ', rejected' : ''}`,
      );
  if (snap.workers.length > 0)
    put.problem(
      'close',
      `closed, yet workers are left: ${snap.workers.map((w) => `${w.id} ${w.state}`).join(', ')}`,
    );
  checkCounters(put, snap.metrics);
  const after = track(put.pool.submit({ id: 0, behaviour: { kind: 'ok' } }));
  await put.clock.flush();
  const v = after.value;
  if (
    v === undefined ||
    isOk(v) ||
    v.left._tag !== 'TaskRejected' ||
    v.left.reason !== 'pool-closed'
  )
    put.problem(
      'api',
      `a submit after the close got ${v === undefined ? 'nothing' : tag(v)}, not TaskRejected('pool-closed')`,
    );
  put.throwIfProblem();
}
