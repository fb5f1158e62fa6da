/**
 * Retries and quarantine on the virtual clock: `retry: { attempts }` runs a failing task up to
 * that many times (ctx.attempt 1, 2, 3…) with its backoff between runs; `UnrecoverableError`
 * stops retrying; a task that crashes (or hangs) its worker `quarantineAfter` times goes to
 * `deadLetters$` and its caller gets `WorkerCrashed` with `quarantined: true`; a task's own
 * `retry` overrides the pool's.
 */
import { describe, expect, it } from 'vitest';
import {
  createPool,
  createVirtualClock,
  isErr,
  isOk,
  TaskTimedOut,
  UnrecoverableError,
  WorkerCrashedError,
  type DeadLetter,
  type PoolOptions,
  type TaskContext,
} from '@troupe/core';
import { conservationProblem, settled, tagOf } from './support/observe.js';

type Step = 'ok' | 'throw' | 'crash' | 'hang' | 'unrecoverable';
/** A task that plays `plan[attempt - 1]` on each run (the last step once the plan runs out). */
interface Job {
  readonly id: string;
  readonly plan: readonly Step[];
}

type Options = Omit<PoolOptions<Job, string>, 'worker' | 'clock'>;

function retryPool(options: Options = {}) {
  const clock = createVirtualClock();
  const runs: { id: string; attempt: number; at: number; workerId: string }[] = [];
  const errors: Error[] = [];
  const pool = createPool<Job, string>({
    worker: (job: Job, ctx: TaskContext) => {
      runs.push({ id: job.id, attempt: ctx.attempt, at: clock.now(), workerId: ctx.workerId });
      const step = job.plan[ctx.attempt - 1] ?? job.plan.at(-1);
      const error = (e: Error): Promise<string> => {
        errors.push(e);
        return Promise.reject(e);
      };
      switch (step) {
        case 'throw':
          return error(new Error(`${job.id} failed on run ${ctx.attempt}`));
        case 'unrecoverable':
          return error(new UnrecoverableError(`${job.id}: bad input`));
        case 'crash':
          return error(new WorkerCrashedError(`${job.id} broke ${ctx.workerId}`));
        case 'hang':
          return new Promise<string>(() => undefined);
        default:
          return Promise.resolve(`${job.id} done on run ${ctx.attempt}`);
      }
    },
    clock,
    timeoutMs: 1_000,
    supervision: { maxRestarts: Infinity, backoff: { minMs: 0, maxMs: 0 } },
    ...options,
  });
  const letters: DeadLetter<Job>[] = [];
  pool.deadLetters$.subscribe((l) => letters.push(l));
  pool.start();
  const attemptsOf = (id: string) => runs.filter((r) => r.id === id).map((r) => r.attempt);
  const timesOf = (id: string) => runs.filter((r) => r.id === id).map((r) => r.at);
  return { clock, pool, runs, errors, letters, attemptsOf, timesOf };
}

const backoff = { minMs: 100, maxMs: 10_000, factor: 2, jitter: 0 };

describe('retries', () => {
  it('retry { attempts: 3 } runs a throwing task 3 times (attempt 1, 2, 3) with its backoff between', async () => {
    const h = retryPool({ retry: { attempts: 3, backoff } });
    const result = h.pool.submit({ id: 'a', plan: ['throw'] });
    await h.clock.flush();
    expect(h.pool.getSnapshot().metrics).toMatchObject({ retrying: 1, retries: 1, active: 0 });
    expect(conservationProblem(h.pool.getSnapshot().metrics)).toBeUndefined();
    await h.clock.advance(1_000);
    const r = await settled(result);
    expect(h.attemptsOf('a')).toEqual([1, 2, 3]);
    expect(h.timesOf('a')).toEqual([0, 100, 300]);
    expect(isErr(r) && r.left).toMatchObject({ _tag: 'TaskFailed', cause: h.errors[2] });
    expect(h.pool.getSnapshot().metrics).toMatchObject({ retries: 2, failed: 1, retrying: 0 });
    await h.pool.close();
  });

  it('a task that fails twice then works ends ok, once', async () => {
    const h = retryPool({ retry: { attempts: 3, backoff } });
    const outcomes: number[] = [];
    h.pool.results$.subscribe((o) => outcomes.push(o.taskId));
    const result = h.pool.submit({ id: 'b', plan: ['throw', 'hang', 'ok'] });
    await h.clock.advance(5_000);
    const r = await settled(result);
    expect(isOk(r) && r.right).toBe('b done on run 3');
    expect(outcomes).toEqual([1]);
    // The hang timed out at 100 + 1000 and counted as one crash; the third run began 200 ms later.
    expect(h.timesOf('b')).toEqual([0, 100, 1_300]);
    expect(h.pool.getSnapshot().metrics).toMatchObject({ hangs: 1, retries: 2, completed: 1 });
    await h.pool.close();
  });

  it('UnrecoverableError stops retrying at once', async () => {
    const h = retryPool({ retry: { attempts: 5, backoff } });
    const first = h.pool.submit({ id: 'c', plan: ['unrecoverable'] });
    const later = h.pool.submit({ id: 'd', plan: ['throw', 'unrecoverable'] });
    await h.clock.advance(5_000);
    const [c, d] = await settled(Promise.all([first, later]));
    expect(h.attemptsOf('c')).toEqual([1]);
    expect(h.attemptsOf('d')).toEqual([1, 2]);
    expect(isErr(c) && c.left).toMatchObject({ _tag: 'TaskFailed' });
    expect(isErr(c) && c.left.cause).toBeInstanceOf(UnrecoverableError);
    expect(isErr(d) && d.left.cause).toBeInstanceOf(UnrecoverableError);
    expect(h.pool.getSnapshot().metrics).toMatchObject({ retries: 1, failed: 2 });
    await h.pool.close();
  });

  it("a task's own retry overrides the pool's, both ways", async () => {
    const h = retryPool({ retry: { attempts: 3, backoff } });
    const none = h.pool.submit({ id: 'e', plan: ['throw'] }, { retry: { attempts: 1 } });
    const own = h.pool.submit(
      { id: 'f', plan: ['throw'] },
      { retry: { attempts: 2, backoff: { minMs: 500, jitter: 0 } } },
    );
    await h.clock.advance(5_000);
    expect([tagOf(await settled(none)), tagOf(await settled(own))]).toEqual([
      'TaskFailed',
      'TaskFailed',
    ]);
    expect(h.attemptsOf('e')).toEqual([1]);
    expect(h.attemptsOf('f')).toEqual([1, 2]);
    expect(h.timesOf('f')).toEqual([0, 500]);
    await h.pool.close();

    const plain = retryPool();
    const retried = plain.pool.submit(
      { id: 'g', plan: ['throw', 'ok'] },
      { retry: { attempts: 2 } },
    );
    const once = plain.pool.submit({ id: 'h', plan: ['throw', 'ok'] });
    await plain.clock.advance(5_000);
    expect([tagOf(await settled(retried)), tagOf(await settled(once))]).toEqual([
      'ok',
      'TaskFailed',
    ]);
    expect(plain.attemptsOf('h')).toEqual([1]);
    await plain.pool.close();
  });

  it('a task cancelled while it waits for its retry ends cancelled, and never runs again', async () => {
    const h = retryPool({ retry: { attempts: 3, backoff } });
    const controller = new AbortController();
    const result = h.pool.submit({ id: 'i', plan: ['throw'] }, { signal: controller.signal });
    await h.clock.advance(50);
    controller.abort(new Error('caller gave up'));
    await h.clock.advance(5_000);
    expect(tagOf(await settled(result))).toBe('TaskCancelled');
    expect(h.attemptsOf('i')).toEqual([1]);
    expect(h.pool.getSnapshot().metrics).toMatchObject({ retrying: 0, cancelled: 1 });
    expect(conservationProblem(h.pool.getSnapshot().metrics)).toBeUndefined();
    await h.pool.close();
  });
});

describe('quarantine', () => {
  it('a task that crashes its worker twice goes to deadLetters$; its caller gets WorkerCrashed quarantined', async () => {
    const h = retryPool({ retry: { attempts: 5, backoff } });
    const poison = h.pool.submit({ id: 'p', plan: ['crash'] });
    const fine = h.pool.submit({ id: 'q', plan: ['ok'] });
    await h.clock.advance(5_000);
    const r = await settled(poison);
    expect(h.attemptsOf('p')).toEqual([1, 2]);
    expect(h.letters).toEqual([
      { taskId: 1, input: { id: 'p', plan: ['crash'] }, attempts: 2, causes: h.errors.slice(0, 2) },
    ]);
    expect(isErr(r) && r.left).toMatchObject({
      _tag: 'WorkerCrashed',
      quarantined: true,
      taskId: 1,
      cause: h.errors[1],
    });
    expect(tagOf(await settled(fine))).toBe('ok');
    const runs = h.runs.filter((x) => x.id === 'p').map((x) => x.workerId);
    expect(runs).toEqual(['pool-w1', 'pool-w1-r1']);
    expect(h.pool.getSnapshot().metrics).toMatchObject({
      quarantined: 1,
      crashed: 1,
      crashes: 2,
      restarts: 2,
      retries: 1,
      completed: 1,
    });
    expect(conservationProblem(h.pool.getSnapshot().metrics)).toBeUndefined();
    await h.pool.close();
  });

  it('a timeout is no quarantine strike by default: a task that always hangs ends TaskTimedOut after its attempts', async () => {
    const h = retryPool({ retry: { attempts: 5, backoff }, quarantineAfter: 1 });
    const hung = h.pool.submit({ id: 'h', plan: ['hang'] });
    await h.clock.advance(10_000);
    const r = await settled(hung);
    expect(h.attemptsOf('h')).toEqual([1, 2, 3, 4, 5]);
    expect(isErr(r) && r.left).toMatchObject({ _tag: 'TaskTimedOut', timeoutMs: 1_000 });
    expect(h.letters).toEqual([]);
    expect(h.pool.getSnapshot().metrics).toMatchObject({
      hangs: 5,
      retries: 4,
      timedOut: 1,
      quarantined: 0,
      restarts: 0,
    });
    await h.pool.close();
  });

  it("with timeouts: 'crash-worker', hangs count as crashes for quarantine; the dead letter keeps every cause", async () => {
    const h = retryPool({
      retry: { attempts: 5, backoff },
      quarantineAfter: 3,
      supervision: {
        maxRestarts: Infinity,
        backoff: { minMs: 0, maxMs: 0 },
        timeouts: 'crash-worker',
      },
    });
    const poison = h.pool.submit({ id: 'p', plan: ['hang', 'throw', 'crash', 'hang'] });
    await h.clock.advance(10_000);
    const r = await settled(poison);
    expect(h.attemptsOf('p')).toEqual([1, 2, 3, 4]);
    const letter = h.letters[0];
    expect(letter).toMatchObject({ taskId: 1, attempts: 4 });
    expect(letter?.causes.map((c) => (c as Error).constructor)).toEqual([
      TaskTimedOut,
      Error,
      WorkerCrashedError,
      TaskTimedOut,
    ]);
    expect(isErr(r) && r.left).toMatchObject({ _tag: 'WorkerCrashed', quarantined: true });
    expect(isErr(r) && r.left.cause).toBeInstanceOf(TaskTimedOut);
    await h.pool.close();
  });

  it('without a retry policy a crash ends WorkerCrashed at once; quarantineAfter 1 quarantines it instead', async () => {
    const plain = retryPool();
    const crashed = await (async () => {
      const r = plain.pool.submit({ id: 'p', plan: ['crash'] });
      await plain.clock.advance(100);
      return r;
    })();
    expect(isErr(crashed) && crashed.left).toMatchObject({
      _tag: 'WorkerCrashed',
      quarantined: false,
    });
    expect(plain.letters).toEqual([]);
    await plain.pool.close();

    const strict = retryPool({ quarantineAfter: 1 });
    const r = strict.pool.submit({ id: 'p', plan: ['crash'] });
    await strict.clock.advance(100);
    expect(isErr(await settled(r)) && (await settled(r))).toMatchObject({
      left: { quarantined: true },
    });
    expect(strict.letters).toHaveLength(1);
    expect(strict.pool.getSnapshot().metrics).toMatchObject({ quarantined: 1, crashed: 1 });
    await strict.pool.close();
  });

  it('attempts run out before quarantine: WorkerCrashed, not quarantined', async () => {
    const h = retryPool({ retry: { attempts: 2, backoff }, quarantineAfter: 10 });
    const r = h.pool.submit({ id: 'p', plan: ['crash'] });
    await h.clock.advance(1_000);
    expect(isErr(await settled(r)) && (await settled(r))).toMatchObject({
      left: { quarantined: false },
    });
    expect(h.attemptsOf('p')).toEqual([1, 2]);
    expect(h.letters).toEqual([]);
    await h.pool.close();
  });
});
