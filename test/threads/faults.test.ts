/**
 * Faults of thread workers, against real threads: cancels and timeouts terminate the thread,
 * every way a thread dies crashes its worker once, a module whose top-level code throws fails
 * setup without a restart storm, and inputs or outputs that cannot cross the thread boundary fail only their task.
 * Real time: the threads are real; each wait is for an event, never a sleep.
 */
import { describe, expect, it } from 'vitest';
import { filter, firstValueFrom } from 'rxjs';
import {
  createPool,
  isErr,
  isOk,
  TaskCancelled,
  TaskFailed,
  TaskRejected,
  TaskTimedOut,
  WorkerCrashed,
  type TaskResult,
} from '@troupe/core';
import { fromWorkerThread, threadStats, ThreadCrashError } from '@troupe/threads';
import { expectNoThreadLeftAfterAll, fixture, nextEvent } from './support/threads.js';

expectNoThreadLeftAfterAll();

const tasks = fixture('tasks.mjs');
const faults = fixture('faults.mjs');

/** The error of a failed result, checked to be of `type`. */
function errorOf<E>(result: TaskResult<unknown>, type: new (...args: never[]) => E): E {
  if (!isErr(result)) throw new Error(`expected ${type.name}, got Right(${String(result.right)})`);
  expect(result.left).toBeInstanceOf(type);
  return result.left as E;
}

/** A pool of one thread whose worker runs `name` from `module`. */
function poolOf(module: URL, name: string, extra: { timeoutMs?: number } = {}) {
  return createPool({
    worker: fromWorkerThread<unknown, unknown>(module, { export: name }),
    ...extra,
  }).start();
}

/** A pool of one thread that runs any export of tasks.mjs or faults.mjs: input `[export, arg]`. */
function dispatcherPool(extra: { timeoutMs?: number; concurrency?: number } = {}) {
  return createPool({
    worker: fromWorkerThread<[string, unknown], unknown>(fixture('dispatch.mjs'), {
      concurrency: extra.concurrency ?? 1,
    }),
    ...(extra.timeoutMs === undefined ? {} : { timeoutMs: extra.timeoutMs }),
  }).start();
}

describe('cancelling thread tasks', () => {
  it('cancels a queued task without touching the thread', async () => {
    const pool = dispatcherPool();
    await pool.run(['echo', 0]); // ready
    const started = threadStats().started;
    const first = pool.submit(['later', { id: 1, delayMs: 30 }]);
    const controller = new AbortController();
    const second = pool.submit(['later', { id: 2, delayMs: 0 }], { signal: controller.signal });
    controller.abort(new Error('not needed'));
    errorOf(await second, TaskCancelled);
    expect(await first).toEqual({ _tag: 'Right', right: 1 });
    await expect(pool.run(['echo', 3])).resolves.toBe(3);
    expect(threadStats().started).toBe(started);
    expect(pool.getSnapshot().metrics.replaced).toBe(0);
    await pool.close();
  });

  it('cancels a running task by terminating its thread; a new one takes the seat', async () => {
    const pool = dispatcherPool();
    await pool.run(['echo', 0]); // ready
    const started = threadStats().started;
    const replaced = nextEvent(pool, 'worker.replaced');
    const controller = new AbortController();
    const spinning = pool.submit(['spin', null], { signal: controller.signal });
    await expect.poll(() => pool.getSnapshot().metrics.active).toBe(1);
    controller.abort(new Error('changed my mind'));
    const cancelled = errorOf(await spinning, TaskCancelled);
    expect((cancelled.cause as Error).message).toBe('changed my mind');
    expect((await replaced).cause).toBeInstanceOf(Error);
    await expect(pool.run(['echo', 'after'])).resolves.toBe('after');
    expect(threadStats().started).toBe(started + 1);
    const m = pool.getSnapshot().metrics;
    expect([m.replaced, m.crashes]).toEqual([1, 0]);
    await pool.close();
  });

  it('runs the tasks in flight beside a cancelled one again on the new thread, retry or not', async () => {
    for (const attempts of [1, 2]) {
      const pool = createPool({
        worker: fromWorkerThread<[string, unknown], unknown>(fixture('dispatch.mjs'), {
          concurrency: 4,
        }),
        retry: { attempts, backoff: { minMs: 1, maxMs: 1 } },
      }).start();
      await pool.run(['echo', 0]);
      const controller = new AbortController();
      // One batch: the thread starts spinning, and the others wait behind it on the thread.
      const spinning = pool.submit(['spin', null], { signal: controller.signal });
      const beside = [1, 2, 3].map((id) => pool.submit(['echo', id]));
      await expect.poll(() => pool.getSnapshot().metrics.active).toBe(4);
      controller.abort(new Error('stop spinning'));
      errorOf(await spinning, TaskCancelled);
      const results = await Promise.all(beside);
      // Innocent: back to the queue, nothing counted (see collateral-runs.test.ts).
      expect(results.map((r) => (isOk(r) ? r.right : r.left._tag))).toEqual([1, 2, 3]);
      expect(pool.getSnapshot().metrics).toMatchObject({ replaced: 1, retries: 0 });
      await pool.close();
    }
  });

  it('times out a spinning task: TaskTimedOut, the thread is terminated and replaced', async () => {
    const pool = dispatcherPool({ timeoutMs: 100 });
    await pool.run(['echo', 0]);
    const started = threadStats().started;
    const replaced = nextEvent(pool, 'worker.replaced');
    const timedOut = errorOf(await pool.submit(['spin', null]), TaskTimedOut);
    expect(timedOut.timeoutMs).toBe(100);
    // Only terminating the thread stops the spin: a replace, which is not a crash.
    expect(((await replaced).cause as Error).cause).toBeInstanceOf(TaskTimedOut);
    await expect(pool.run(['echo', 'after'])).resolves.toBe('after');
    expect(threadStats().started).toBe(started + 1);
    const m = pool.getSnapshot().metrics;
    expect([m.timedOut, m.hangs, m.replaced, m.crashes, m.restarts]).toEqual([1, 1, 1, 0, 0]);
    await pool.close();
  });
});

describe('threads that die', () => {
  const deaths: [string, (cause: ThreadCrashError) => void][] = [
    ['throwLater', (cause) => expect(cause.message).toContain('uncaught in a timer')],
    ['rejectUnhandled', (cause) => expect(cause.message).toContain('nobody handles this')],
    ['exit', (cause) => expect(cause.exitCode).toBe(1)],
  ];
  it.each(deaths)('%s: the task ends WorkerCrashed, the worker restarts', async (name, check) => {
    const pool = dispatcherPool();
    await pool.run(['echo', 0]);
    const restarted = nextEvent(pool, 'worker.restarted');
    const crashed = errorOf(await pool.submit([name, null]), WorkerCrashed);
    expect(crashed.cause).toBeInstanceOf(ThreadCrashError);
    check(crashed.cause as ThreadCrashError);
    expect(crashed.oom).toBe(false);
    await restarted;
    await expect(pool.run(['echo', 'after'])).resolves.toBe('after');
    expect(pool.getSnapshot().metrics.crashes).toBe(1);
    await pool.close();
  });

  it('runs out of memory: the cause keeps ERR_WORKER_OUT_OF_MEMORY, the crash says oom', async () => {
    const pool = createPool({
      worker: fromWorkerThread<null, never>(faults, {
        export: 'oom',
        resourceLimits: { maxOldGenerationSizeMb: 16 },
      }),
    }).start();
    const crashed = errorOf(await pool.submit(null), WorkerCrashed);
    expect((crashed.cause as ThreadCrashError).code).toBe('ERR_WORKER_OUT_OF_MEMORY');
    expect(crashed.oom).toBe(true);
    await pool.close();
  });

  it('crashes after it answered: the task succeeds, the worker is restarted', async () => {
    const pool = poolOf(faults, 'crashAfterAnswer');
    await firstValueFrom(pool.state$.pipe(filter((s) => s === 'running')));
    const crashed = nextEvent(pool, 'worker.crashed');
    const restarted = nextEvent(pool, 'worker.restarted');
    await expect(pool.run('answer')).resolves.toBe('answer');
    expect(((await crashed).cause as Error).message).toContain('crash after the answer');
    await restarted;
    await expect(pool.run('again')).resolves.toBe('again');
    const m = pool.getSnapshot().metrics;
    expect([m.completed, m.crashed]).toEqual([2, 0]);
    await pool.close();
  });
});

describe('a module whose top-level code throws', () => {
  // It may do better on a restart (a file or a service not there yet); a module that cannot
  // be loaded at all fails the pool at once (see unloadable-module.test.ts).
  const supervision = { maxRestarts: 2, withinMs: 10_000, backoff: { minMs: 10, maxMs: 40 } };
  const broken: [string, URL, string, RegExp][] = [
    [
      'fails to load',
      fixture('broken.mjs'),
      'default',
      /cannot load worker module .*refuses to load/,
    ],
  ];
  it.each(broken)(
    'a module that %s: setup fails, restarts back off, the pool fails',
    async (_, module, name, message) => {
      const started = threadStats().started;
      const pool = createPool({
        worker: fromWorkerThread<number, number>(module, { export: name }),
        supervision,
      });
      const crashes: unknown[] = [];
      pool.events$.subscribe((event) => {
        if (event.type === 'worker.crashed') crashes.push(event.cause);
      });
      const failed = firstValueFrom(pool.state$.pipe(filter((s) => s === 'failed')));
      const t0 = performance.now();
      pool.start();
      await failed;
      // One first try and maxRestarts restarts, each after its backoff (10 then 20 ms, less
      // 20% jitter): no storm.
      expect(crashes).toHaveLength(3);
      expect(threadStats().started - started).toBe(3);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(0.8 * (10 + 20));
      for (const cause of crashes) expect((cause as Error).message).toMatch(message);
      expect(pool.getSnapshot().failure?.message).toMatch(/restarts/);
      await pool.close();
      expect(threadStats().live).toBe(0);
    },
  );
});

describe('a module that never finishes loading', () => {
  it('with supervision.setupTimeoutMs: the thread is terminated, the worker crashes, the limits apply', async () => {
    const before = threadStats().live;
    const pool = createPool({
      worker: fromWorkerThread<number, number>(fixture('never-ready.mjs')),
      supervision: { setupTimeoutMs: 200, maxRestarts: 0 },
    }).start();
    const crashed = nextEvent(pool, 'worker.crashed');
    const result = await pool.submit(1);
    expect(((await crashed).cause as Error).message).toMatch(
      /did not finish within 200 ms \(supervision\.setupTimeoutMs\)/,
    );
    expect(isErr(result) && result.left).toMatchObject({ reason: 'pool-failed' });
    expect(pool.getSnapshot().state).toBe('failed');
    await pool.close();
    expect(threadStats().live).toBe(before);
  });
});

describe('values that cannot cross the thread boundary', () => {
  it('rejects an input that cannot be cloned (a function, a symbol); the pool goes on', async () => {
    const pool = createPool({
      worker: fromWorkerThread<unknown, unknown>(tasks, { concurrency: 8 }),
    }).start();
    // In one burst, so that the bad ones share a batch with good ones.
    const results = await Promise.all([
      pool.submit(1),
      pool.submit(() => 2),
      pool.submit(3),
      pool.submit(Symbol('four')),
      pool.submit({ five: 5 }),
    ]);
    expect(results.map((r) => (isOk(r) ? r.right : r.left._tag))).toEqual([
      1,
      'TaskRejected',
      3,
      'TaskRejected',
      { five: 5 },
    ]);
    const rejected = errorOf(results[1], TaskRejected);
    expect(rejected.reason).toBe('invalid-input');
    expect(rejected.message).toMatch(/cannot be sent to a worker thread/);
    await expect(pool.run('still fine')).resolves.toBe('still fine');
    expect(pool.getSnapshot().metrics.crashes).toBe(0);
    await pool.close();
  });

  it('fails a task whose output cannot be cloned; the worker goes on', async () => {
    const pool = dispatcherPool();
    const failed = errorOf(await pool.submit(['unclonable', null]), TaskFailed);
    expect((failed.cause as Error).message).toMatch(/output cannot be sent back/);
    await expect(pool.run(['echo', 'fine'])).resolves.toBe('fine');
    expect(pool.getSnapshot().metrics.crashes).toBe(0);
    await pool.close();
  });
});
