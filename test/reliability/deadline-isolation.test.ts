/**
 * One bad timer never stalls the others. A `random` option that returns NaN, ±Infinity, a
 * number outside [0, 1], a non-number, or throws, cannot put a bad deadline in the pool's
 * deadline heap: retry and restart delays stay within their backoff bounds, an unrelated task's
 * `timeoutMs` still fires on time, and `close()` resolves.
 */
import { describe, expect, it } from 'vitest';
import {
  createPool,
  createVirtualClock,
  WorkerCrashedError,
  type PoolEvent,
  type TaskContext,
} from '@troupe/core';
import { settled, tagOf } from './support/observe.js';

const badRandoms: [string, () => number][] = [
  ['NaN', () => Number.NaN],
  ['Infinity', () => Infinity],
  ['-Infinity', () => -Infinity],
  ['a negative number', () => -3],
  ['a number above 1', () => 7],
  ['a non-number', () => 'half' as unknown as number],
  ['nothing', () => undefined as unknown as number],
  [
    'a throw',
    () => {
      throw new Error('no randomness today');
    },
  ],
];

type Job = 'fail-once' | 'hang' | 'crash-once' | 'ok';

function setup(random: () => number) {
  const clock = createVirtualClock();
  const runs: { job: Job; at: number }[] = [];
  let crashed = false;
  const pool = createPool<Job, string>({
    worker: (job: Job, ctx: TaskContext) => {
      runs.push({ job, at: clock.now() });
      if (job === 'fail-once' && ctx.attempt === 1) throw new Error('first run fails');
      if (job === 'crash-once' && !crashed) {
        crashed = true;
        throw new WorkerCrashedError('broken once');
      }
      if (job === 'hang') return new Promise<string>(() => undefined);
      return `${job} done`;
    },
    size: 2,
    clock,
    random,
    retry: { attempts: 2, backoff: { minMs: 100, maxMs: 100, jitter: 0.5 } },
    supervision: { maxRestarts: 10, backoff: { minMs: 40, maxMs: 40, jitter: 0.5 } },
  });
  const events: { at: number; event: PoolEvent }[] = [];
  pool.events$.subscribe((event) => events.push({ at: clock.now(), event }));
  pool.start();
  return { clock, pool, runs, events };
}

describe('deadline isolation', () => {
  for (const [name, random] of badRandoms) {
    it(`random returning ${name}: retries stay in bounds and other timeouts fire`, async () => {
      const { clock, pool, runs } = setup(random);
      await clock.flush();
      const retried = pool.submit('fail-once');
      const hung = pool.submit('hang', { timeoutMs: 300, retry: { attempts: 1 } });
      await clock.advance(300);
      expect(tagOf(await settled(hung))).toBe('TaskTimedOut');
      expect(tagOf(await settled(retried))).toBe('ok');
      const again = runs.filter((r) => r.job === 'fail-once').map((r) => r.at);
      expect(again).toHaveLength(2);
      // backoff 100 ms ± 50 %
      expect(again[1]).toBeGreaterThanOrEqual(50);
      expect(again[1]).toBeLessThanOrEqual(150);
      await clock.advance(1_000);
      await settled(pool.close());
    });

    it(`random returning ${name}: a crashed worker restarts within its backoff bounds`, async () => {
      const { clock, pool, events } = setup(random);
      await clock.flush();
      expect(tagOf(await settled(pool.submit('crash-once', { retry: { attempts: 1 } })))).toBe(
        'WorkerCrashed',
      );
      const restarting = events.find((e) => e.event.type === 'worker.restarting');
      const delay = restarting?.event.type === 'worker.restarting' ? restarting.event.delayMs : -1;
      expect(delay).toBeGreaterThanOrEqual(20);
      expect(delay).toBeLessThanOrEqual(60);
      await clock.advance(60);
      expect(events.some((e) => e.event.type === 'worker.restarted')).toBe(true);
      expect(pool.getSnapshot().state).toBe('running');
      expect(pool.actor.getSnapshot().status).toBe('active');
      await settled(pool.close());
    });
  }
});
