/**
 * A mixed-fault soak on real threads: 2 000 tasks, of which 10% throw, 1% spin until their
 * timeout terminates the thread and 0.1% kill it with process.exit, on 4 threads with 4 tasks
 * in flight each. Every task settles exactly once with an outcome its kind allows, the
 * counters conserve, the pool ends running at full size, and close leaves no thread.
 */
import { expect, it } from 'vitest';
import { filter, firstValueFrom } from 'rxjs';
import { createPool, isOk, type TaskResult } from '@troupe/core';
import { fromWorkerThread, threadStats } from '@troupe/threads';
import { expectConserved } from '../../packages/core/test/support/conservation.js';
import { seeded } from '../reliability/support/observe.js';
import { expectNoThreadLeftAfterAll, fixture } from './support/threads.js';

expectNoThreadLeftAfterAll();

const N = 2_000;
const SIZE = 4;
const OK = 0;
const THROW = 1;
const HANG = 2;
const EXIT = 3;

/**
 * What a task of `kind` may end with: its own outcome, or the fate of a sibling on its thread
 * (tasks in flight behind a spinning one time out with it; a dying thread crashes them all).
 */
function allowed(kind: number, id: number, result: TaskResult<number>): boolean {
  if (isOk(result)) return kind === OK && result.right === id;
  switch (result.left._tag) {
    case 'WorkerCrashed':
    case 'TaskTimedOut':
      return true;
    case 'TaskFailed':
      return kind === THROW && result.left.cause instanceof Error
        ? result.left.cause.message === `task ${id} failed`
        : false;
    default:
      return false;
  }
}

it('settles every task once under mixed faults, and conserves the counters', async () => {
  const random = seeded(20_251_127);
  const kinds = Array.from({ length: N }, () => {
    const r = random();
    return r < 0.001 ? EXIT : r < 0.011 ? HANG : r < 0.111 ? THROW : OK;
  });
  kinds[0] = EXIT; // at least one of each
  kinds[1] = HANG;
  kinds[2] = THROW;
  const pool = createPool({
    worker: fromWorkerThread<[number, number], number>(fixture('soak.mjs'), { concurrency: 4 }),
    size: SIZE,
    timeoutMs: 50,
    queue: { capacity: Infinity },
    supervision: { maxRestarts: Infinity, backoff: { minMs: 1, maxMs: 5 } },
  }).start();
  const outcomes = new Map<number, number>();
  pool.results$.subscribe(({ taskId }) => outcomes.set(taskId, (outcomes.get(taskId) ?? 0) + 1));
  const results = await Promise.all(kinds.map((kind, id) => pool.submit([kind, id])));

  const wrong = results.flatMap((result, id) =>
    allowed(kinds[id]!, id, result)
      ? []
      : [`task ${id} (kind ${kinds[id]}): ${isOk(result) ? result.right : result.left.message}`],
  );
  expect(wrong).toEqual([]);
  expect(outcomes.size).toBe(N);
  expect([...outcomes.values()].every((n) => n === 1)).toBe(true);
  // Faulting tasks end as their kind says (never ok); most plain ones succeed.
  const ok = results.filter(isOk).length;
  expect(ok).toBeGreaterThan(kinds.filter((k) => k === OK).length * 0.8);

  const m = pool.getSnapshot().metrics;
  expectConserved(m);
  expect(m.submitted).toBe(N);
  expect(m.completed + m.failed + m.timedOut + m.crashed).toBe(N);
  // Hangs and exits took threads down, and new ones took their seats.
  expect(m.hangs).toBeGreaterThan(0);
  expect(m.crashes).toBeGreaterThan(0);
  expect(threadStats().started).toBeGreaterThan(SIZE + 10);
  await firstValueFrom(pool.state$.pipe(filter((s) => s === 'running')));
  await expect
    .poll(() => pool.getSnapshot().workers.filter((w) => w.state !== 'stopped').length)
    .toBe(SIZE);
  await pool.close();
  expect(threadStats().live).toBe(0);
});
