/**
 * A thread module that cannot be loaded — not found, a syntax error, a missing export or one
 * that is no function, an `execArgv` Node refuses — fails the pool at once: one thread tried,
 * no restart, the `PoolFailedError`'s cause the loader's error (an `UnrecoverableError` whose
 * message names the module and the error, and whose cause is the error as thrown in the
 * thread). A module whose own top-level code throws is restarted as before (see
 * faults.test.ts). Real time: the threads are real; each wait is for the pool's state, never a sleep.
 */
import { describe, expect, it } from 'vitest';
import { filter, firstValueFrom } from 'rxjs';
import { createPool, isErr, PoolFailedError, UnrecoverableError } from '@troupe/core';
import { fromWorkerThread, threadStats, type ThreadOptions } from '@troupe/threads';
import { expectNoThreadLeftAfterAll, fixture } from './support/threads.js';

expectNoThreadLeftAfterAll();

// Generous limits, a long backoff: a pool that restarted would take seconds to fail.
const supervision = { maxRestarts: 5, withinMs: 60_000, backoff: { minMs: 1_000, maxMs: 1_000 } };

const cases: [string, URL | string, ThreadOptions, RegExp, RegExp][] = [
  [
    'is not found',
    fixture('modules/no-such-module.mjs'),
    {},
    /cannot load worker module .*no-such-module\.mjs: Cannot find module/,
    /ERR_MODULE_NOT_FOUND/,
  ],
  [
    'does not parse',
    'data:text/javascript,export default (input) => input +;',
    {},
    /cannot load worker module data:text\/javascript.*: Unexpected token/,
    /SyntaxError/,
  ],
  [
    'lacks the export',
    fixture('tasks.mjs'),
    { export: 'missing' },
    /tasks\.mjs cannot be used: it has no export 'missing' \(its exports: .*default/,
    /TypeError/,
  ],
  [
    'exports no function under the name',
    fixture('tasks.mjs'),
    { export: 'notAFunction' },
    /tasks\.mjs cannot be used: its export 'notAFunction' is number/,
    /TypeError/,
  ],
  [
    'is given an execArgv Node refuses in a thread',
    fixture('tasks.mjs'),
    { execArgv: ['--max-old-space-size=64'] },
    /cannot start: .*--max-old-space-size.*the option `execArgv`/,
    /ERR_WORKER_INVALID_EXEC_ARGV/,
  ],
];

describe('a thread module that cannot be loaded', () => {
  it.each(cases)(
    'one that %s fails the pool at once, the loader’s error as the cause',
    async (_, module, options, message, detail) => {
      const started = threadStats().started;
      const pool = createPool({
        worker: fromWorkerThread<number, number>(module, options),
        size: 2,
        supervision,
      });
      const restarts: unknown[] = [];
      pool.events$.subscribe((event) => {
        if (event.type === 'worker.restarting') restarts.push(event);
      });
      const failed = firstValueFrom(pool.state$.pipe(filter((s) => s === 'failed')));
      const t0 = performance.now();
      const result = pool.start().submit(1);
      await failed;
      expect(performance.now() - t0).toBeLessThan(1_000); // no backoff waited out

      const failure = pool.getSnapshot().failure;
      expect(failure).toBeInstanceOf(PoolFailedError);
      expect(failure?.restarts).toBe(0);
      expect(restarts).toHaveLength(0);
      // One try per seat at most (both seats start together), never a restart.
      expect(threadStats().started - started).toBeLessThanOrEqual(2);
      const cause = failure?.cause as Error;
      expect(cause).toBeInstanceOf(UnrecoverableError);
      expect(cause.message).toMatch(message);
      const loaderError = cause.cause as Error & { code?: string };
      expect(`${loaderError.name} ${String(loaderError.code)}`).toMatch(detail);
      expect(failure?.message).toContain(cause.message);
      // A task submitted meanwhile is refused with the same message.
      const outcome = await result;
      expect(isErr(outcome) && outcome.left).toMatchObject({ reason: 'pool-failed' });
      expect(isErr(outcome) && outcome.left.message).toContain(cause.message);

      await pool.close();
      expect(threadStats().live).toBe(0);
    },
  );
});
