/**
 * The executor hook `requeue`: runs an executor calls innocent of its worker's end go back to
 * the front of the queue when the worker crashes, is replaced, or is crashed by the pool for
 * another run's timeout — no attempt, retry or quarantine strike counted; only the others are
 * charged. On the virtual clock.
 */
import { describe, expect, it } from 'vitest';
import {
  createPool,
  createVirtualClock,
  isErr,
  isOk,
  WorkerCrashed,
  type DeadLetter,
  type TaskContext,
  type TaskResult,
  type WorkerLogic,
  type WorkerSetupContext,
} from '@troupe/core';

/**
 * A worker of three lanes, like a thread: `wait` runs until the worker goes; `poison` ends the
 * worker (`crash`, or `replace`), calling every other run innocent; `hang` never ends (for a
 * timeout). Records each run's task and attempt.
 */
function lanes(end: 'crash' | 'replace', runs: [string, number][]) {
  const running = new Map<number, WorkerSetupContext>();
  const logic: WorkerLogic<string, string, WorkerSetupContext> = {
    kind: 'test',
    concurrency: 3,
    setup: (ctx) => ctx,
    run: (job, ctx: TaskContext<WorkerSetupContext>) => {
      runs.push([job, ctx.attempt]);
      running.set(ctx.taskId, ctx.resource);
      if (job === 'poison') {
        queueMicrotask(() => {
          for (const [taskId, resource] of running)
            if (taskId !== ctx.taskId && resource === ctx.resource) resource.requeue(taskId);
          running.clear();
          ctx.resource[end](new Error('poisoned'));
        });
        return new Promise<string>(() => undefined);
      }
      if (job === 'hang') {
        ctx.onAbort(() => {
          for (const [taskId, resource] of running)
            if (taskId !== ctx.taskId && resource === ctx.resource) resource.requeue(taskId);
          running.clear();
        });
        return new Promise<string>(() => undefined);
      }
      if (job === 'wait')
        return new Promise<string>((resolve) => {
          // Ends when the clock moves past 1000 ms: long after the poison ended the worker.
          setTimeoutOn(ctx, resolve);
        });
      return job;
    },
  };
  return logic;
}

let clockRef: ReturnType<typeof createVirtualClock>;
/** Resolves `wait` runs 1 s later on the test's clock, unless their worker went meanwhile. */
function setTimeoutOn(ctx: TaskContext<WorkerSetupContext>, resolve: (v: string) => void): void {
  let gone = false;
  ctx.onAbort(() => (gone = true));
  clockRef.setTimeout(() => {
    if (!gone) resolve(`done ${ctx.taskId}`);
  }, 1_000);
}

const outcome = (r: TaskResult<string>): string =>
  isOk(r)
    ? r.right
    : r.left instanceof WorkerCrashed && r.left.quarantined
      ? 'quarantined'
      : r.left._tag;

describe('requeue', () => {
  it.each(['crash', 'replace'] as const)(
    'innocent runs beside a %s go back to the front, uncharged; only the culprit is',
    async (end) => {
      const clock = (clockRef = createVirtualClock());
      const runs: [string, number][] = [];
      const pool = createPool({
        worker: lanes(end, runs),
        size: 1,
        clock,
        retry: { attempts: 3, backoff: { minMs: 1, maxMs: 1, jitter: 0 } },
        quarantineAfter: 2,
      }).start();
      const letters: DeadLetter<string>[] = [];
      pool.deadLetters$.subscribe((letter) => letters.push(letter));
      await clock.flush();
      const results = [pool.submit('wait'), pool.submit('wait'), pool.submit('poison')];
      const later = pool.submit('after');
      // Run the restart backoff, the retries and the waits.
      for (let i = 0; i < 20; i++) await clock.advance(500);
      const outcomes = (await Promise.all([...results, later])).map(outcome);
      expect(outcomes.slice(0, 2)).toEqual(['done 1', 'done 2']);
      expect(outcomes[3]).toBe('after');
      // Innocent runs were re-run as first attempts, ahead of the task queued after them.
      const waits = runs.filter(([job]) => job === 'wait');
      expect(waits.every(([, attempt]) => attempt === 1)).toBe(true);
      const afterAt = runs.findIndex(([job]) => job === 'after');
      expect(runs.findIndex(([job], i) => job === 'wait' && i > 2)).toBeLessThan(afterAt);
      // Only the culprit was charged: retried, then (a crash) quarantined.
      expect(letters.map((letter) => letter.input)).toEqual(end === 'crash' ? ['poison'] : []);
      expect(outcomes[2]).toBe(end === 'crash' ? 'quarantined' : 'WorkerCrashed');
      const m = pool.getSnapshot().metrics;
      expect(m.completed).toBe(3);
      expect(m.queued + m.active).toBe(0);
      await pool.close({ abort: true });
    },
  );

  it("innocent runs beside another run's timeout ('crash-worker') go back to the front, uncharged", async () => {
    const clock = (clockRef = createVirtualClock());
    const runs: [string, number][] = [];
    const pool = createPool({
      worker: lanes('crash', runs),
      size: 1,
      clock,
      timeoutMs: 100,
      quarantineAfter: 1,
      supervision: { timeouts: 'crash-worker' },
    }).start();
    await clock.flush();
    const results = [pool.submit('wait', { timeoutMs: 5_000 }), pool.submit('hang')];
    for (let i = 0; i < 20; i++) await clock.advance(500);
    const [wait, hang] = await Promise.all(results);
    expect(outcome(wait!)).toBe('done 1');
    expect(isErr(hang!) && hang.left).toBeInstanceOf(WorkerCrashed); // quarantined hang
    expect(runs.filter(([job]) => job === 'wait')).toEqual([
      ['wait', 1],
      ['wait', 1],
    ]);
    await pool.close({ abort: true });
  });

  it('is ignored for a task not running on the worker', async () => {
    const clock = (clockRef = createVirtualClock());
    let setup: WorkerSetupContext | undefined;
    const pool = createPool({
      worker: {
        kind: 'test',
        setup: (ctx: WorkerSetupContext) => (setup = ctx),
        run: (job: string) => job,
      },
      clock,
    }).start();
    await clock.flush();
    expect(await pool.run('a')).toBe('a');
    setup!.requeue(1);
    setup!.requeue(999);
    setup!.crash(new Error('after'));
    await clock.flush();
    expect(pool.getSnapshot().metrics).toMatchObject({ queued: 0, active: 0, completed: 1 });
    await pool.close();
  });
});
