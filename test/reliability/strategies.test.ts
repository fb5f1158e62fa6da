/**
 * Supervision strategies with four busy workers (virtual clock): one-for-one restarts only the
 * crashed worker, one-for-all restarts them all, rest-for-one the crashed one and those started
 * after it. Each task in flight on a restarted worker gets exactly one outcome: `WorkerCrashed`,
 * or, when its retry policy allows, a retry that completes on a fresh worker.
 */
import { describe, expect, it } from 'vitest';
import {
  createPool,
  createVirtualClock,
  fromAsync,
  isErr,
  isOk,
  type DeadLetter,
  type RetryOptions,
  type SupervisionStrategy,
  type TaskResult,
} from '@troupe/core';
import { conservationProblem, ofType, recordEvents, settled } from './support/observe.js';

const SEATS = ['pool-w1', 'pool-w2', 'pool-w3', 'pool-w4'];
const RUN_MS = 1_000;
const RESTART_MS = 100;

/** The seats a crash of `seat` restarts under `strategy` (start order = seat order). */
function expectedAffected(strategy: SupervisionStrategy, seat: string): string[] {
  if (strategy === 'one-for-one') return [seat];
  if (strategy === 'one-for-all') return SEATS;
  return SEATS.slice(SEATS.indexOf(seat));
}

function busyPool(
  strategy: SupervisionStrategy,
  options: { retry?: RetryOptions; quarantineAfter?: number } = {},
) {
  const clock = createVirtualClock();
  const crashers = new Map<string, (cause: unknown) => void>();
  const runs: { task: number; workerId: string; attempt: number; at: number }[] = [];
  const pool = createPool({
    worker: fromAsync({
      setup: ({ workerId, crash }) => {
        crashers.set(workerId, crash);
        return workerId;
      },
      // Each run takes RUN_MS and ignores its signal: a stopped worker's run still ends, late.
      run: (task: number, ctx) => {
        runs.push({ task, workerId: ctx.workerId, attempt: ctx.attempt, at: clock.now() });
        return new Promise<number>((resolve) => clock.setTimeout(() => resolve(task), RUN_MS));
      },
    }),
    size: 4,
    clock,
    supervision: { strategy, backoff: { minMs: RESTART_MS, maxMs: RESTART_MS, jitter: 0 } },
    ...options,
  });
  const seen = recordEvents(pool, clock);
  const outcomes = new Map<number, TaskResult<number>[]>();
  pool.results$.subscribe(({ taskId, result }) => {
    outcomes.set(taskId, [...(outcomes.get(taskId) ?? []), result]);
  });
  const letters: DeadLetter<number>[] = [];
  pool.deadLetters$.subscribe((l) => letters.push(l));
  pool.start();
  return { clock, pool, seen, runs, outcomes, letters, crashers };
}

/** Starts a task on each of the four workers, then crashes `seat`'s worker 10 ms later. */
async function crashWhileBusy(h: ReturnType<typeof busyPool>, seat: string) {
  await h.clock.flush();
  expect(ofType(h.seen, 'worker.started').map((s) => s.event.workerId)).toEqual(SEATS);
  const promises = [1, 2, 3, 4].map((n) => h.pool.submit(n));
  await h.clock.advance(10);
  const ranOn = new Map(h.runs.map((r) => [r.workerId, r.task]));
  expect([...ranOn.keys()].sort()).toEqual(SEATS);
  const cause = new Error(`${seat} lost its connection`);
  h.crashers.get(seat)!(cause);
  await h.clock.flush();
  return { promises, ranOn, cause };
}

describe('supervision strategies: which workers restart, and what happens to their tasks', () => {
  for (const strategy of ['one-for-one', 'one-for-all', 'rest-for-one'] as const) {
    for (const seat of ['pool-w1', 'pool-w2', 'pool-w4']) {
      const affected = expectedAffected(strategy, seat);
      it(`${strategy}: a crash of ${seat} restarts ${affected.join(', ')}; their tasks end WorkerCrashed`, async () => {
        const h = busyPool(strategy);
        const { promises, ranOn, cause } = await crashWhileBusy(h, seat);

        expect(ofType(h.seen, 'worker.crashed').map((c) => c.event.workerId)).toEqual([seat]);
        const restarting = ofType(h.seen, 'worker.restarting');
        expect(restarting.map((r) => r.event.workerId)).toEqual(affected);
        expect(restarting.every((r) => r.event.delayMs === RESTART_MS && r.at === 10)).toBe(true);

        await h.clock.advance(RESTART_MS);
        expect(ofType(h.seen, 'worker.restarted').map((r) => [r.at, r.event.workerId])).toEqual(
          affected.map((s) => [10 + RESTART_MS, `${s}-r1`]),
        );
        await h.clock.advance(RUN_MS);
        const results = await settled(Promise.all(promises));

        for (const s of SEATS) {
          const task = ranOn.get(s)!;
          expect(h.outcomes.get(task), `task ${task} on ${s}: one outcome`).toHaveLength(1);
          const r = results[task - 1]!;
          expect(h.outcomes.get(task)?.[0]).toBe(r);
          if (!affected.includes(s)) {
            expect(isOk(r) && r.right, `task ${task} on untouched ${s}`).toBe(task);
            continue;
          }
          expect(isErr(r) && r.left._tag, `task ${task} on ${s}`).toBe('WorkerCrashed');
          const e = isErr(r) ? r.left : undefined;
          expect(e).toMatchObject({ workerId: s, taskId: task, quarantined: false });
          if (s === seat) expect(e?.cause).toBe(cause);
          else {
            expect((e?.cause as Error).message).toBe(`restarted with ${seat} (${strategy})`);
            expect((e?.cause as Error).cause).toBe(cause);
          }
        }
        const snap = h.pool.getSnapshot();
        expect(snap.state).toBe('running');
        expect(snap.workers.map((w) => w.id).sort()).toEqual(
          SEATS.map((s) => (affected.includes(s) ? `${s}-r1` : s)),
        );
        expect(snap.workers.every((w) => w.state === 'idle')).toBe(true);
        expect(snap.metrics).toMatchObject({
          crashes: 1,
          restarts: affected.length,
          crashed: affected.length,
          completed: 4 - affected.length,
          // The runs on the restarted workers still end; their results are dropped as late.
          late: affected.length,
        });
        expect(conservationProblem(snap.metrics)).toBeUndefined();
        // Every worker works again: four more tasks run at once, one on each.
        const more = [5, 6, 7, 8].map((n) => h.pool.submit(n));
        await h.clock.advance(RUN_MS);
        expect((await settled(Promise.all(more))).map((r) => isOk(r) && r.right)).toEqual([
          5, 6, 7, 8,
        ]);
        expect(new Set(h.runs.filter((r) => r.task > 4).map((r) => r.workerId)).size).toBe(4);
        await h.pool.close();
      });
    }
  }

  for (const strategy of ['one-for-one', 'one-for-all', 'rest-for-one'] as const) {
    it(`${strategy} with retry: every task on a restarted worker is retried once and completes`, async () => {
      const h = busyPool(strategy, { retry: { attempts: 2, backoff: { minMs: 0, maxMs: 0 } } });
      const seat = 'pool-w2';
      const affected = expectedAffected(strategy, seat);
      const { promises, ranOn } = await crashWhileBusy(h, seat);
      await h.clock.advance(RESTART_MS + RUN_MS);
      const results = await settled(Promise.all(promises));
      expect(results.map((r) => isOk(r) && r.right)).toEqual([1, 2, 3, 4]);
      for (const s of SEATS) {
        const task = ranOn.get(s)!;
        expect(h.outcomes.get(task), `task ${task}`).toHaveLength(1);
        const runs = h.runs.filter((r) => r.task === task);
        if (!affected.includes(s)) {
          expect(runs.map((r) => [r.attempt, r.workerId])).toEqual([[1, s]]);
          continue;
        }
        // The second run starts on a fresh worker as soon as one is back.
        expect(runs.map((r) => r.attempt)).toEqual([1, 2]);
        expect(runs[1]!.workerId).toMatch(/-r1$/);
        expect(runs[1]!.at).toBe(10 + RESTART_MS);
      }
      expect(h.pool.getSnapshot().metrics).toMatchObject({
        retries: affected.length,
        restarts: affected.length,
        completed: 4,
        crashed: 0,
        quarantined: 0,
      });
      expect(conservationProblem(h.pool.getSnapshot().metrics)).toBeUndefined();
      await h.pool.close();
    });
  }

  it('a stop ordered by the supervisor does not count towards quarantine: only the crashing task is quarantined', async () => {
    const h = busyPool('one-for-all', {
      retry: { attempts: 3, backoff: { minMs: 0, maxMs: 0 } },
      quarantineAfter: 1,
    });
    const { promises, ranOn, cause } = await crashWhileBusy(h, 'pool-w3');
    await h.clock.advance(RESTART_MS + RUN_MS);
    const results = await settled(Promise.all(promises));
    const crashedTask = ranOn.get('pool-w3')!;
    expect(h.letters).toEqual([
      { taskId: crashedTask, input: crashedTask, attempts: 1, causes: [cause] },
    ]);
    for (const [i, r] of results.entries()) {
      if (i + 1 === crashedTask)
        expect(isErr(r) && r.left).toMatchObject({ _tag: 'WorkerCrashed', quarantined: true });
      else expect(isOk(r) && r.right).toBe(i + 1);
    }
    expect(h.pool.getSnapshot().metrics).toMatchObject({
      quarantined: 1,
      retries: 3,
      completed: 3,
    });
    await h.pool.close();
  });

  it('rest-for-one keeps the start order across restarts', async () => {
    const h = busyPool('rest-for-one');
    await crashWhileBusy(h, 'pool-w3'); // restarts w3, w4
    await h.clock.advance(RESTART_MS + RUN_MS);
    h.crashers.get('pool-w3-r1')!(new Error('again'));
    await h.clock.flush();
    expect(ofType(h.seen, 'worker.restarting').map((r) => r.event.workerId)).toEqual([
      'pool-w3',
      'pool-w4',
      'pool-w3',
      'pool-w4',
    ]);
    await h.clock.advance(RESTART_MS * 2);
    expect(
      h.pool
        .getSnapshot()
        .workers.map((w) => w.id)
        .sort(),
    ).toEqual(['pool-w1', 'pool-w2', 'pool-w3-r2', 'pool-w4-r2']);
    await h.pool.close();
  });
});
