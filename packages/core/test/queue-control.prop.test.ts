/**
 * pause / resume / clear interleaved with submits, cancels and time: the counters conserve after
 * every step, clear() counts what it cancelled, nothing starts while paused, and every task
 * settles exactly once.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isErr, type TaskResult } from '@troupe/core';
import { expectConserved } from './support/conservation.js';
import { timedPool } from './support/timed-worker.js';
import { settleWith } from './support/virtual-time.js';

type Op =
  | { readonly kind: 'submit'; readonly ms: number; readonly cancellable: boolean }
  | { readonly kind: 'pause' | 'resume' | 'clear' | 'cancel' }
  | { readonly kind: 'advance'; readonly ms: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('submit' as const),
      ms: fc.integer({ min: 0, max: 30 }),
      cancellable: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'pause' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'resume' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'cancel' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      ms: fc.integer({ min: 0, max: 25 }),
    }),
  },
);

describe('pause, resume and clear with submits', () => {
  it('conserve the counters and settle every task exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom(0, 1, 3, Infinity),
        fc.constantFrom('reject' as const, 'wait' as const, 'drop-oldest' as const),
        fc.boolean(),
        fc.array(op, { maxLength: 40 }),
        async (size, capacity, overflow, limited, ops) => {
          const { pool, clock, started } = timedPool({
            size,
            queue: { capacity, overflow },
            ...(limited ? { rate: { limit: 2, intervalMs: 10 } } : {}),
          });
          const outcomes = new Map<number, number>();
          pool.results$.subscribe(({ taskId }) =>
            outcomes.set(taskId, (outcomes.get(taskId) ?? 0) + 1),
          );
          pool.start();
          await clock.flush();
          const submits: Promise<TaskResult<number>>[] = [];
          const controllers: AbortController[] = [];
          for (const step of ops) {
            const m0 = pool.getSnapshot().metrics;
            const startedBefore = started.length;
            switch (step.kind) {
              case 'submit': {
                const controller = new AbortController();
                if (step.cancellable) controllers.push(controller);
                submits.push(
                  pool.submit(step.ms, step.cancellable ? { signal: controller.signal } : {}),
                );
                break;
              }
              case 'pause':
                pool.pause();
                break;
              case 'resume':
                pool.resume();
                break;
              case 'clear': {
                const count = pool.clear();
                const m = pool.getSnapshot().metrics;
                expect(m.cancelled - m0.cancelled).toBe(count);
                expect(pool.queueSize).toBe(0);
                expect(m.retrying).toBe(0);
                break;
              }
              case 'cancel':
                controllers.shift()?.abort(new Error('cancelled by the test'));
                break;
              case 'advance':
                await clock.advance(step.ms);
                break;
            }
            if (pool.isPaused && step.kind !== 'resume') expect(started.length).toBe(startedBefore);
            const m = pool.getSnapshot().metrics;
            expectConserved(m);
            expect(pool.queueSize).toBe(m.queued + m.waiting);
            expect(pool.pending).toBe(m.active);
            if (capacity === 0) expect(m.queued).toBe(0);
          }
          pool.resume();
          await settleWith(clock, pool.close());
          const results = await Promise.all(submits);
          const m = pool.getSnapshot().metrics;
          expectConserved(m);
          expect(m.queued + m.waiting + m.active + m.retrying).toBe(0);
          // Every accepted task told exactly once on results$; refusals at the door never.
          const refused = results.filter((r) => isErr(r) && r.left.taskId === undefined).length;
          expect(outcomes.size).toBe(submits.length - refused);
          expect([...outcomes.values()].every((n) => n === 1)).toBe(true);
          expect(m.submitted).toBe(outcomes.size);
        },
      ),
      { numRuns: 150 },
    );
  });
});
