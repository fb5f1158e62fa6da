/**
 * Closing pools of thread workers, against real threads: a drain lets running tasks finish, an
 * abort cancels them without spawning replacements, a teardown whose `terminate()` never
 * settles still ends within `terminateTimeoutMs` (the thread counted as leaked), and so does the
 * stop of an idle thread that does not exit when asked (it is terminated).
 */
import { describe, expect, it, vi } from 'vitest';
import { Worker } from 'node:worker_threads';
import { filter, firstValueFrom } from 'rxjs';
import { createPool, isErr, isOk, TaskCancelled } from '@troupe/core';
import { fromWorkerThread, threadStats } from '@troupe/threads';
import { expectNoThreadLeftAfterAll, fixture } from './support/threads.js';

expectNoThreadLeftAfterAll();

const dispatch = fixture('dispatch.mjs');

/** Handles of these kinds that keep the event loop (and so the process) alive now. */
const holding = (): number =>
  process.getActiveResourcesInfo().filter((kind) => kind === 'MessagePort' || kind === 'Worker')
    .length;

describe('handles', () => {
  it('an idle pool and a closed one keep no thread handle referenced: the process may exit', async () => {
    const before = holding();
    const pool = createPool({
      worker: fromWorkerThread<[string, unknown], unknown>(dispatch, { concurrency: 2 }),
      size: 2,
    }).start();
    const running = pool.run(['later', { id: 1, delayMs: 20 }]);
    // While a task is in flight its thread is referenced: the process waits for it.
    expect(holding()).toBeGreaterThan(before);
    await running;
    await expect.poll(holding).toBe(before);
    await pool.close();
    expect(holding()).toBe(before);
    expect(threadStats().live).toBe(0);
  });
});

describe('closing a thread pool', () => {
  it('drains: running and queued tasks finish, then every thread is gone', async () => {
    const pool = createPool({
      worker: fromWorkerThread<[string, unknown], unknown>(dispatch, { concurrency: 2 }),
      size: 2,
    }).start();
    // Submitted once both threads are up: one that came up first would otherwise finish its
    // tasks while the other is still starting (under load, threads start tens of ms apart).
    await firstValueFrom(pool.state$.pipe(filter((state) => state === 'running')));
    const results = Array.from({ length: 8 }, (_, id) =>
      pool.submit(['later', { id, delayMs: 30 }]),
    );
    const m = pool.getSnapshot().metrics;
    expect(m.active + m.queued).toBe(8); // none has finished yet
    await pool.close();
    expect((await Promise.all(results)).map((r) => (isOk(r) ? r.right : r.left._tag))).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7,
    ]);
    expect(threadStats().live).toBe(0);
  });

  it('aborts: running tasks (even spinning ones) end TaskCancelled, no thread is replaced', async () => {
    // One run a thread: two running means both threads are up, and the third task is queued.
    const pool = createPool({
      worker: fromWorkerThread<[string, unknown], unknown>(dispatch, { concurrency: 1 }),
      size: 2,
    }).start();
    const spinning = [pool.submit(['spin', null]), pool.submit(['spin', null])];
    const queued = pool.submit(['echo', 'never runs']);
    await expect.poll(() => pool.getSnapshot().metrics.active).toBe(2);
    const started = threadStats().started;
    await pool.close({ abort: true });
    for (const result of await Promise.all([...spinning, queued])) {
      expect(isErr(result) && result.left).toBeInstanceOf(TaskCancelled);
    }
    expect(threadStats().started).toBe(started);
    expect(pool.getSnapshot().metrics.replaced).toBe(0);
    expect(threadStats().live).toBe(0);
  });

  it('ends a teardown whose terminate() never settles after terminateTimeoutMs, counting a leak', async () => {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with its worker as `this`
    const terminate = Worker.prototype.terminate;
    // The thread does stop (so that nothing is left behind), but terminate() never says so.
    const stuck = vi.spyOn(Worker.prototype, 'terminate').mockImplementation(function (
      this: Worker,
    ) {
      void terminate.call(this);
      return new Promise<number>(() => undefined);
    });
    try {
      const pool = createPool({
        worker: fromWorkerThread<[string, unknown], unknown>(dispatch, { terminateTimeoutMs: 50 }),
      }).start();
      // A thread with a run in flight is terminated (an idle one would be asked to exit).
      const spinning = pool.submit(['spin', null]);
      await expect.poll(() => pool.getSnapshot().metrics.active).toBe(1);
      const leaked = threadStats().leaked;
      const t0 = performance.now();
      await pool.close({ abort: true });
      expect(isErr(await spinning)).toBe(true);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(45);
      expect(stuck).toHaveBeenCalledTimes(1);
      expect(threadStats().leaked).toBe(leaked + 1);
    } finally {
      stuck.mockRestore();
    }
    await expect.poll(() => threadStats().live).toBe(0);
  });

  it('terminates an idle thread that does not exit by itself within terminateTimeoutMs', async () => {
    const pool = createPool({
      worker: fromWorkerThread<[string, unknown], unknown>(dispatch, { terminateTimeoutMs: 50 }),
    }).start();
    // It answers, then spins in a timer: it never reads the request to exit.
    await expect(pool.run(['spinAfterAnswer', 'x'])).resolves.toBe('x');
    const t0 = performance.now();
    await pool.close();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(45);
    expect(threadStats().live).toBe(0);
  });
});
