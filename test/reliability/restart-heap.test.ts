/**
 * Memory does not grow with restarts: after many crash restarts, timeout restarts and executor
 * replacements, runs left behind past their timeout, and many pools created and closed, the heap
 * after a full GC has grown by at most 0.5 KB per restart (per run, per pool). 2,000 of each
 * here; 10,000 under `TROUPE_SOAK`.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  createPool,
  createVirtualClock,
  fromAsync,
  WorkerCrashedError,
  type Pool,
  type TimeoutHandling,
  type VirtualClock,
  type WorkerSetupContext,
} from '@troupe/core';

const COUNT = process.env.TROUPE_SOAK === '1' ? 10_000 : 2_000;
// (Enough for the JIT to settle: compiled code counts in the heap too.)
const WARM_UP = 500;
/** At most this many bytes of heap per restart (per pool) stay reachable. */
const BUDGET = 512;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Heap in use after full collections. */
function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

type Job = 'ok' | 'crash' | 'hang' | 'replace';

/** One worker that crashes, hangs (to time out) or has itself replaced on demand; no backoff. */
function restartingPool(clock: VirtualClock, timeouts: TimeoutHandling): Pool<Job, Job> {
  return createPool({
    worker: fromAsync({
      setup: (ctx: WorkerSetupContext) => ctx,
      run: (job: Job, { resource }) => {
        if (job === 'crash') throw new WorkerCrashedError('broken');
        if (job === 'hang') return new Promise<Job>(() => undefined);
        if (job === 'replace') {
          resource.replace(new Error('replaced on purpose'));
          return new Promise<Job>(() => undefined);
        }
        return job;
      },
    }),
    size: 1,
    clock,
    supervision: { maxRestarts: Infinity, backoff: { minMs: 0, maxMs: 0 }, timeouts },
  });
}

/** Makes `count` restarts of one kind, each done (the new worker ready) before the next. */
async function restart(pool: Pool<Job, Job>, clock: VirtualClock, job: Job, count: number) {
  for (let i = 0; i < count; i++) {
    const result = pool.submit(job, job === 'hang' ? { timeoutMs: 10 } : undefined);
    await clock.advance(job === 'hang' ? 10 : 0);
    await result;
    await clock.advance(0);
    expect(pool.getSnapshot().metrics.workers).toBe(1);
  }
}

describe('heap per restart', () => {
  it.each<[string, Job, TimeoutHandling]>([
    ['a crash restart', 'crash', 'fail-task'],
    ["a timeout restart ('crash-worker')", 'hang', 'crash-worker'],
    ['a run left behind past its timeout', 'hang', 'fail-task'],
    ['an executor replace', 'replace', 'fail-task'],
  ])('%s keeps at most 0.5 KB reachable', async (_, job, timeouts) => {
    const clock = createVirtualClock();
    const pool = restartingPool(clock, timeouts).start();
    await clock.advance(0);
    await restart(pool, clock, job, WARM_UP);
    const before = heapAfterGc();
    await restart(pool, clock, job, COUNT);
    const perRestart = (heapAfterGc() - before) / COUNT;
    const m = pool.getSnapshot().metrics;
    const leftBehind = job === 'hang' && timeouts === 'fail-task';
    expect(m.restarts + m.replaced).toBe(leftBehind ? 0 : WARM_UP + COUNT);
    if (job === 'hang') expect(m.hangs).toBe(WARM_UP + COUNT);
    expect(perRestart).toBeLessThan(BUDGET);
    await pool.close({ abort: true });
  });

  it('a pool created, used and closed keeps at most 0.5 KB reachable', async () => {
    const clock = createVirtualClock();
    let made = 0;
    const cycle = async (count: number): Promise<void> => {
      for (let i = 0; i < count; i++) {
        // A name of its own each time, as in a system of many pools.
        const pool = createPool({ name: `p${++made}`, worker: async (n: number) => n, size: 2 });
        pool.start();
        await clock.advance(0);
        expect(await pool.run(i)).toBe(i);
        await pool.close();
      }
    };
    await cycle(WARM_UP);
    const before = heapAfterGc();
    await cycle(COUNT);
    expect((heapAfterGc() - before) / COUNT).toBeLessThan(BUDGET);
  });
});
