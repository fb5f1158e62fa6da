/**
 * The pool under test in supervision.prop.test.ts: a pool whose tasks play a fault kind, whose
 * setups fail on demand and whose workers can be killed from outside, with everything it emits
 * recorded on the virtual clock; and the invariants that must hold between any two commands.
 */
import { expect } from 'vitest';
import {
  createPool,
  createVirtualClock,
  fromAsync,
  isErr,
  PoolClosedError,
  PoolFailedError,
  TaskTimedOut,
  WorkerCrashedError,
  type Pool,
  type PoolState,
  type RestartType,
  type SupervisionStrategy,
  type TaskResult,
} from '@troupe/core';
import type { Tracked } from '../../../packages/core/test/support/pool-harness.js';
import {
  conservationProblem,
  illegalMoves,
  ofType,
  recordEvents,
  seeded,
  tagOf,
  type Seen,
} from './observe.js';

export type Kind = 'ok' | 'throw' | 'crash' | 'hang' | 'slow';
export interface Config {
  readonly size: number;
  readonly strategy: SupervisionStrategy;
  readonly restart: RestartType;
  readonly maxRestarts: number;
  readonly withinMs: number;
  readonly minMs: number;
  readonly factor: number;
  readonly jitter: number;
  readonly resetAfterMs: number;
  readonly setupMs: number;
  readonly retry: number;
  readonly quarantineAfter: number;
  readonly seed: number;
}
const TIMEOUT_MS = 300;
const SLOW_MS = 200;
/** Outcomes a task of each kind may end with (beside cancellation and refusal by close or failure). */
const ALLOWED: Record<Kind, readonly string[]> = {
  ok: ['ok', 'WorkerCrashed'],
  throw: ['TaskFailed', 'WorkerCrashed'],
  crash: ['WorkerCrashed'],
  hang: ['TaskTimedOut', 'WorkerCrashed'],
  slow: ['ok', 'WorkerCrashed'],
};

export class SupervisedPool {
  readonly clock = createVirtualClock();
  readonly pool: Pool<Kind, string>;
  readonly seen: Seen[];
  readonly states: PoolState[] = [];
  readonly tasks: {
    kind: Kind;
    promise: Tracked<TaskResult<string>>;
    emitted: TaskResult<string>[];
  }[] = [];
  readonly closes: Tracked<void>[] = [];
  readonly crashers = new Map<string, (cause: unknown) => void>();
  failNext = 0;

  constructor(readonly config: Config) {
    const { clock } = this;
    this.pool = createPool<Kind, string, string>({
      worker: fromAsync({
        setup: async ({ workerId, crash }) => {
          if (config.setupMs > 0)
            await new Promise<void>((r) => clock.setTimeout(r, config.setupMs));
          if (this.failNext > 0) {
            this.failNext--;
            throw new Error(`setup of ${workerId} failed`);
          }
          this.crashers.set(workerId, crash);
          return workerId;
        },
        run: (kind: Kind) => {
          if (kind === 'throw') return Promise.reject(new Error('thrown'));
          if (kind === 'crash') return Promise.reject(new WorkerCrashedError('broken'));
          if (kind === 'hang') return new Promise<string>(() => undefined);
          if (kind === 'slow')
            return new Promise<string>((r) => clock.setTimeout(() => r(kind), SLOW_MS));
          return Promise.resolve(kind);
        },
      }),
      size: config.size,
      clock,
      timeoutMs: TIMEOUT_MS,
      supervision: {
        strategy: config.strategy,
        restart: config.restart,
        maxRestarts: config.maxRestarts,
        withinMs: config.withinMs,
        resetAfterMs: config.resetAfterMs,
        backoff: {
          minMs: config.minMs,
          maxMs: 1_000,
          factor: config.factor,
          jitter: config.jitter,
        },
      },
      ...(config.retry > 1 ? { retry: { attempts: config.retry, backoff: { minMs: 20 } } } : {}),
      quarantineAfter: config.quarantineAfter,
      random: seeded(config.seed),
    });
    this.seen = recordEvents(this.pool, clock);
    this.pool.state$.subscribe((s) => this.states.push(s));
    this.pool.results$.subscribe(({ taskId, result }) =>
      this.tasks[taskId - 1]?.emitted.push(result),
    );
  }

  get state(): PoolState {
    return this.pool.getSnapshot().state;
  }
}

/** The restart decisions of each life of the pool (a life begins at each `starting`). */
function lives(seen: readonly Seen[]) {
  const out: {
    decisions: { at: number; crashed: string; seats: string[] }[];
    failed: { at: number; error: Error }[];
  }[] = [];
  let crashed = '';
  let previous = '';
  for (const { at, event } of seen) {
    if (event.type === 'pool.state' && event.state === 'starting')
      out.push({ decisions: [], failed: [] });
    const life = out.at(-1);
    if (event.type === 'worker.crashed') crashed = event.workerId.replace(/-r\d+$/, '');
    if (event.type === 'pool.failed') life?.failed.push({ at, error: event.error });
    if (event.type === 'worker.restarting') {
      if (previous === 'worker.restarting') life?.decisions.at(-1)?.seats.push(event.workerId);
      else life?.decisions.push({ at, crashed, seats: [event.workerId] });
    }
    previous = event.type;
  }
  return out;
}

const seatNo = (seat: string): number => Number(/-w(\d+)$/.exec(seat)?.[1]);

/** Every invariant that must hold between commands. */
export async function check(r: SupervisedPool): Promise<void> {
  await r.clock.flush();
  const { config: c } = r;
  expect(illegalMoves(r.states)).toEqual([]);
  for (const life of lives(r.seen)) {
    const { decisions } = life;
    for (const [i, d] of decisions.entries()) {
      const inWindow = decisions.slice(0, i + 1).filter((e) => e.at > d.at - c.withinMs).length;
      expect(inWindow, `restarts within ${c.withinMs} ms up to ${d.at}`).toBeLessThanOrEqual(
        c.maxRestarts,
      );
      const ascending = d.seats.every((s, j) => j === 0 || seatNo(s) > seatNo(d.seats[j - 1]!));
      expect(ascending && new Set(d.seats).size === d.seats.length, `seats ${d.seats.join()}`).toBe(
        true,
      );
      if (c.strategy === 'one-for-one') expect(d.seats).toEqual([d.crashed]);
      else if (c.strategy === 'rest-for-one') expect(d.seats[0]).toBe(d.crashed);
      else expect(d.seats).toContain(d.crashed);
    }
    if (c.restart === 'temporary') expect(decisions).toEqual([]);
    expect(life.failed.length).toBeLessThanOrEqual(1);
    for (const { at, error } of life.failed) {
      expect(error).toBeInstanceOf(PoolFailedError);
      const e = error as PoolFailedError;
      if (e.restarts === 0) {
        expect(c.restart, 'a pool fails without restarts only when no worker is left').toBe(
          'temporary',
        );
        continue;
      }
      // It gives up exactly when one more restart would exceed the limit, not before.
      const recent = decisions.filter((d) => d.at <= at && d.at > at - c.withinMs).length;
      expect([e.restarts, e.withinMs, recent]).toEqual([
        c.maxRestarts + 1,
        c.withinMs,
        c.maxRestarts,
      ]);
    }
  }
  const snap = r.pool.getSnapshot();
  const m = snap.metrics;
  expect(conservationProblem(m)).toBeUndefined();
  const count = (type: string) => r.seen.filter((s) => s.event.type === type).length;
  // Crashes as the pool tells them on `events$`. A run past its timeout fails its task and is
  // left behind: its worker is not crashed.
  const crashes = ofType(r.seen, 'worker.crashed');
  expect(crashes.filter(({ event }) => event.cause instanceof TaskTimedOut)).toEqual([]);
  expect([m.crashes, m.hangs]).toEqual([crashes.length, count('task.timed-out')]);
  expect(m.restarts).toBeLessThanOrEqual(count('worker.restarting'));
  expect(count('worker.restarted')).toBeLessThanOrEqual(m.restarts);
  // Workers ready for tasks never outnumber the size (one still in the setup it was told to stop
  // after may linger in 'starting' beside its replacement: a setup cannot be pre-empted).
  const ready = snap.workers.filter((w) => w.state === 'idle' || w.state === 'busy');
  expect([ready.length, m.workers].map((n) => n <= snap.size)).toEqual([true, true]);
  const failedEver = count('pool.failed') > 0;
  for (const [i, t] of r.tasks.entries()) {
    expect(t.emitted.length, `task ${i + 1} outcomes`).toBeLessThanOrEqual(1);
    expect([t.promise.settled, t.promise.rejected], `task ${i + 1} promise`).toEqual([
      t.emitted.length,
      false,
    ]);
    const result = t.emitted[0];
    if (result === undefined) {
      expect(['stopped', 'failed'], `task ${i + 1} unsettled`).not.toContain(snap.state);
      continue;
    }
    expect(t.promise.value).toBe(result);
    const tag = tagOf(result);
    if (ALLOWED[t.kind].includes(tag)) continue;
    const e = isErr(result) ? result.left : undefined;
    const byClose = tag === 'TaskCancelled' && e?.cause instanceof PoolClosedError;
    const byFailure =
      failedEver &&
      ((tag === 'TaskCancelled' && e?.cause instanceof PoolFailedError) ||
        (e?._tag === 'TaskRejected' && e.reason === 'pool-failed'));
    expect(byClose || byFailure, `task ${i + 1} (${t.kind}) ended ${tag}`).toBe(true);
  }
  if (snap.state === 'stopped') expect(snap.workers).toEqual([]);
}
