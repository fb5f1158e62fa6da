/**
 * The conformance model finds planted bugs: in copies of one pool configuration, a worker logic
 * that loses a result, one that answers twice, a resize that overshoots and a supervisor limit
 * off by one. Each is found within 1,000 runs and shrunk to a trace of at most 10 steps, which
 * replays to the same broken promise; the configuration without the bug passes the same check.
 */
import { describe, expect, it } from 'vitest';
import { createPool, type Pool } from '@troupe/core';
import {
  checkPool,
  ConformanceError,
  Violation,
  type CheckedPoolOptions,
  type Guarantee,
  type MakePool,
  type TestTask,
} from '@troupe/testkit';

/** The configuration the bugs are planted in. */
const config: CheckedPoolOptions = {
  size: 2,
  timeoutMs: 1_000,
  supervision: { maxRestarts: 3, withinMs: 10_000, backoff: { minMs: 0, maxMs: 0, jitter: 0 } },
};

/** A pool seen through a proxy that changes one method. */
function withMethod<K extends keyof Pool<TestTask, number>>(
  pool: Pool<TestTask, number>,
  name: K,
  method: Pool<TestTask, number>[K],
): Pool<TestTask, number> {
  return new Proxy(pool, {
    get(target, prop) {
      if (prop === name) return method;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
}

const planted: { name: string; guarantees: Guarantee[]; make: MakePool }[] = [
  {
    name: 'a worker logic that loses a result (a slow task returns nothing)',
    guarantees: ['outcome'],
    make: ({ worker, ...options }) =>
      createPool({
        ...options,
        worker: {
          ...worker,
          run: async (task, ctx) => {
            if (task.behaviour.kind !== 'slow') return worker.run(task, ctx);
            await worker.run(task, ctx);
            return undefined as unknown as number; // forgot to return the value
          },
        },
      }),
  },
  {
    name: 'a worker logic that answers twice (and claims it answers once)',
    // The second answer settles the next task on the lane, or finds the lane idle and throws.
    guarantees: ['outcome', 'settles-once', 'defect'],
    make: ({ worker, clock, ...options }) =>
      createPool({
        ...options,
        clock,
        worker: {
          ...worker,
          answersOnce: true,
          run: (task, ctx) => {
            const answer = Promise.resolve(worker.run(task, ctx));
            return {
              then(onOk, onErr) {
                void answer.then((value) => {
                  void onOk?.(value);
                  clock.setTimeout(() => void onOk?.(value), 1); // a resource that answers again
                }, onErr);
                return undefined as never;
              },
            };
          },
        },
      }),
  },
  {
    name: 'a resize that overshoots (to n + 1)',
    guarantees: ['size'],
    make: (options) => {
      const pool = createPool(options);
      return withMethod(pool, 'resize', (size) =>
        pool.resize(typeof size === 'number' ? size + 1 : size),
      );
    },
  },
  {
    name: 'a supervisor limit off by one (one restart too few)',
    guarantees: ['restarts'],
    make: (options) =>
      createPool({
        ...options,
        supervision: {
          ...options.supervision,
          maxRestarts: (config.supervision?.maxRestarts ?? 5) - 1,
        },
      }),
  },
  {
    name: 'a supervisor limit off by one',
    guarantees: ['restarts'],
    make: (options) =>
      createPool({
        ...options,
        supervision: {
          ...options.supervision,
          maxRestarts: (config.supervision?.maxRestarts ?? 5) + 1,
        },
      }),
  },
];

describe('checkPool finds planted bugs', () => {
  it('passes the configuration without a bug', async () => {
    const report = await checkPool(createPool, { options: config, runs: 300, seed: 17 });
    expect([report.failure, report.runs]).toEqual([undefined, 300]);
  });

  for (const bug of planted) {
    it(`finds ${bug.name} within 1,000 runs, shrunk to at most 10 steps`, async () => {
      const error = await checkPool(bug.make, { options: config, runs: 1_000, seed: 17 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ConformanceError);
      const { report, failure } = error as ConformanceError;
      expect(report.runs).toBeLessThanOrEqual(1_000);
      expect(failure.trace).toMatchObject({ subject: 'pool', options: config });
      expect((failure.trace as { steps: unknown[] }).steps.length).toBeLessThanOrEqual(10);
      expect(failure.error).toBeInstanceOf(Violation);
      expect(bug.guarantees).toContain((failure.error as Violation).guarantee);
      expect(failure.reproduced).toBe(true);
      const again = await (error as ConformanceError).replay();
      expect(again?.message).toBe(failure.error.message);
    });
  }
});
