/**
 * Mixed faults at volume, on the virtual clock: 100 000 tasks (1 000 000 under TROUPE_SOAK) of
 * which 10% throw, 1% hang past their timeout and 0.1% crash their worker. Every task must get
 * exactly its one outcome (through results$ and its promise), every crash must be replaced by
 * exactly one restart while a hang only fails its task (its run is left behind and its worker
 * kept: no restart), and the pool must end running at full size with counters that conserve.
 */
import { describe, expect, it } from 'vitest';
import {
  createPool,
  createVirtualClock,
  isOk,
  WorkerCrashedError,
  type TaskContext,
  type TaskResult,
} from '@troupe/core';
import { conservationProblem, ofType, recordEvents, seeded } from './support/observe.js';

const SOAK = process.env.TROUPE_SOAK !== undefined;
const N = SOAK ? 1_000_000 : 100_000;
const SIZE = SOAK ? 64 : 16;
const TIMEOUT_MS = 1_000;
/** Submits per clock step: the rest wait for room (overflow 'wait'), so submits overlap faults. */
const BATCH = 10_000;

const OK = 0;
const THROW = 1;
const HANG = 2;
const CRASH = 3;

/** What a failing task throws: it names its task. */
class Boom extends Error {
  constructor(readonly id: number) {
    super(`task ${id} failed`);
  }
}

/** The fault script: a kind per task id (1..N), from a seeded PRNG. */
function script(n: number): { kinds: Uint8Array; counts: number[]; lateHangs: number } {
  const random = seeded(20_240_601);
  const kinds = new Uint8Array(n + 1);
  const counts = [0, 0, 0, 0];
  let lateHangs = 0;
  for (let id = 1; id <= n; id++) {
    const r = random();
    const kind = r < 0.001 ? CRASH : r < 0.011 ? HANG : r < 0.111 ? THROW : OK;
    kinds[id] = kind;
    counts[kind]!++;
    if (kind === HANG && (id & 1) === 1) lateHangs++;
  }
  return { kinds, counts, lateHangs };
}

/** Plays a task's kind; even ids answer synchronously, odd ones through a promise. */
function play(kinds: Uint8Array) {
  return (id: number, ctx: TaskContext): number | Promise<number> => {
    const sync = (id & 1) === 0;
    switch (kinds[id]) {
      case THROW:
        if (sync) throw new Boom(id);
        return Promise.reject(new Boom(id));
      case HANG:
        // Odd hangs reject when their signal aborts (a late result); even ones never settle.
        if (sync) return new Promise<number>(() => undefined);
        return new Promise<number>((_, reject) => {
          const { signal } = ctx;
          signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
        });
      case CRASH:
        if (sync) throw new WorkerCrashedError(`task ${id} broke its worker`);
        return Promise.reject(new WorkerCrashedError(`task ${id} broke its worker`));
      default:
        return sync ? id : Promise.resolve(id);
    }
  };
}

/** Why `result` is not what task `id` of `kind` must end with, or undefined. */
function wrongOutcome(id: number, kind: number, result: TaskResult<number>): string | undefined {
  if (isOk(result)) return kind === OK && result.right === id ? undefined : `ok ${result.right}`;
  const e = result.left;
  const fine =
    e.taskId === id &&
    ((kind === THROW && e._tag === 'TaskFailed' && e.cause instanceof Boom && e.cause.id === id) ||
      (kind === HANG && e._tag === 'TaskTimedOut' && e.timeoutMs === TIMEOUT_MS) ||
      (kind === CRASH &&
        e._tag === 'WorkerCrashed' &&
        e.cause instanceof WorkerCrashedError &&
        !e.quarantined));
  return fine ? undefined : `${e._tag} (task ${String(e.taskId)})`;
}

describe(`mixed faults: ${N} tasks, 10% throw, 1% hang, 0.1% crash (virtual clock)`, () => {
  it(
    'settles every task exactly once, replaces every crashed worker once and no hung one, ends running at full size',
    async () => {
      const { kinds, counts, lateHangs } = script(N);
      const clock = createVirtualClock();
      const pool = createPool({
        worker: play(kinds),
        size: SIZE,
        timeoutMs: TIMEOUT_MS,
        clock,
        queue: { capacity: 10_000, overflow: 'wait' },
        supervision: {
          maxRestarts: Infinity,
          backoff: { minMs: 1, maxMs: 20, factor: 2, jitter: 0.2 },
        },
        random: seeded(1),
      });
      const seen = recordEvents(pool, clock);
      // Per task id: results$ emissions, promise settlements, and problems seen.
      const emitted = new Uint8Array(N + 1);
      const resolved = new Uint8Array(N + 1);
      const outcomes: (TaskResult<number> | undefined)[] = new Array<undefined>(N + 1);
      const problems: string[] = [];
      let settled = 0;
      pool.results$.subscribe(({ taskId, result }) => {
        if (emitted[taskId]! > 0) problems.push(`task ${taskId} emitted twice`);
        emitted[taskId] = Math.min(255, emitted[taskId]! + 1);
        outcomes[taskId] = result;
        settled++;
        const wrong = wrongOutcome(taskId, kinds[taskId]!, result);
        if (wrong !== undefined) problems.push(`task ${taskId} (kind ${kinds[taskId]}): ${wrong}`);
      });
      const submit = (id: number): void => {
        pool.submit(id).then(
          (result) => {
            resolved[id] = Math.min(255, resolved[id]! + 1);
            if (outcomes[id] !== result) problems.push(`task ${id}: promise and results$ differ`);
          },
          (error: unknown) => problems.push(`task ${id}: submit rejected with ${String(error)}`),
        );
      };

      pool.start();
      let next = 1;
      let steps = 0;
      const maxSteps = (N / SIZE) * 0.02 + 200;
      while ((settled < N || next <= N) && steps++ < maxSteps) {
        for (const end = Math.min(N, next + BATCH - 1); next <= end; next++) submit(next);
        await clock.advance(TIMEOUT_MS);
      }
      await clock.flush();

      expect(problems.slice(0, 10)).toEqual([]);
      expect(settled, `settled after ${steps} steps`).toBe(N);
      let unsettled = 0;
      for (let id = 1; id <= N; id++) if (emitted[id] !== 1 || resolved[id] !== 1) unsettled++;
      expect(unsettled, 'tasks without exactly one outcome and one promise settlement').toBe(0);

      const snap = pool.getSnapshot();
      const m = snap.metrics;
      expect(conservationProblem(m)).toBeUndefined();
      expect({
        submitted: m.submitted,
        rejected: m.rejected,
        completed: m.completed,
        failed: m.failed,
        timedOut: m.timedOut,
        crashed: m.crashed,
        lost: m.cancelled + m.dropped + m.waiting + m.queued + m.retrying + m.active,
        crashes: m.crashes,
        hangs: m.hangs,
        // Odd hangs reject on abort after they timed out: their result comes late and is dropped.
        late: m.late,
      }).toEqual({
        submitted: N,
        rejected: 0,
        completed: counts[OK],
        failed: counts[THROW],
        timedOut: counts[HANG],
        crashed: counts[CRASH],
        lost: 0,
        crashes: counts[CRASH],
        hangs: counts[HANG],
        late: lateHangs,
      });
      expect(m.restarts).toBe(m.crashes);
      expect(ofType(seen, 'worker.crashed')).toHaveLength(m.crashes);
      expect(ofType(seen, 'task.timed-out')).toHaveLength(m.hangs);
      expect(ofType(seen, 'worker.restarted')).toHaveLength(m.restarts);
      expect(ofType(seen, 'pool.failed')).toEqual([]);

      expect(snap.state).toBe('running');
      expect(snap.size).toBe(SIZE);
      expect(m.workers).toBe(SIZE);
      expect(snap.workers.map((w) => w.state)).toEqual(new Array<string>(SIZE).fill('idle'));
      const seats = snap.workers.map((w) => w.id.replace(/-r\d+$/, ''));
      expect(new Set(seats).size).toBe(SIZE);

      await pool.close();
      expect(pool.getSnapshot().state).toBe('stopped');
      expect(pool.getSnapshot().workers).toEqual([]);
    },
    SOAK ? 600_000 : 30_000,
  );
});
