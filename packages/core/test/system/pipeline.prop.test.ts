/**
 * Pipeline property: over random stages (sizes, queue capacities, latencies, failures), bounds,
 * orders and kinds of source, every item comes out exactly once with the right value or the
 * failure of the right stage, and the items inside never exceed the bound — nor, for a pulled
 * source, does the source get ahead of what came out by more than the bound.
 */
import fc from 'fast-check';
import { from, lastValueFrom, tap, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createPipeline, defaultMaxInFlight, isErr, type Pool } from '@troupe/core';
import { expectConserved } from '../support/conservation.js';
import { settleWith } from '../support/virtual-time.js';
import { countedAsyncItems, countedItems, reads, scene, stagePool } from './support.js';

const stageArb = fc.record({
  size: fc.integer({ min: 1, max: 3 }),
  capacity: fc.integer({ min: 1, max: 4 }),
  latencies: fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 7 }),
  /** Items (by index) this stage fails. */
  fails: fc.uniqueArray(fc.integer({ min: 0, max: 24 }), { maxLength: 5 }),
});

describe('pipeline: property', () => {
  it('every item once, right value or failing stage; never more than the bound inside', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(stageArb, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 0, max: 25 }),
        fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }),
        fc.boolean(),
        fc.constantFrom('iterable', 'async', 'observable'),
        async (specs, count, maxInFlight, ordered, kind) => {
          const { clock, inFlight } = scene();
          // Item i enters as i * 10; stage k gives its input + 1, so the value tells item and stage.
          const itemOf = (n: number) => Math.floor(n / 10);
          const stages: Pool<number, number>[] = specs.map((spec, k) =>
            stagePool(clock, inFlight, {
              name: `s${k}`,
              size: spec.size,
              queue: { capacity: spec.capacity },
              run: (n) => n + 1,
              ms: (n) => spec.latencies[itemOf(n) % spec.latencies.length]!,
              fails: (n) => spec.fails.includes(itemOf(n)),
            }),
          );
          await clock.flush();
          const bound = maxInFlight ?? defaultMaxInFlight(stages);
          const items = Array.from({ length: count }, (_, i) => i * 10);
          const r = reads();
          const source =
            kind === 'iterable'
              ? countedItems(items, r)
              : kind === 'async'
                ? countedAsyncItems(items, r)
                : from(items);
          const pipeline = createPipeline(stages as [Pool<number, number>], {
            ordered,
            ...(maxInFlight === undefined ? {} : { maxInFlight }),
          });
          const outcomes = await settleWith(
            clock,
            lastValueFrom(
              pipeline.process(source).pipe(
                tap(() => r.out++),
                toArray(),
              ),
            ),
            10,
            10_000,
          );

          expect([...outcomes.map((o) => o.index)].sort((a, b) => a - b)).toEqual(
            items.map((_, i) => i),
          );
          if (ordered) expect(outcomes.map((o) => o.index)).toEqual(items.map((_, i) => i));
          for (const o of outcomes) {
            const failedAt = specs.findIndex((spec) => spec.fails.includes(o.index));
            if (failedAt === -1) {
              expect(o.result).toEqual({ _tag: 'Right', right: o.index * 10 + specs.length });
              expect(o.stage).toBe(specs.length - 1);
            } else {
              expect(isErr(o.result) && o.result.left._tag).toBe('TaskFailed');
              expect(o).toMatchObject({ stage: failedAt, stageName: `s${failedAt}` });
              expect(o.input).toBe(o.index * 10 + failedAt);
            }
          }
          expect(inFlight.max).toBeLessThanOrEqual(bound);
          if (kind !== 'observable') {
            expect(r.maxAhead).toBeLessThanOrEqual(bound);
            expect(r.closed).toBe(true);
          }
          specs.forEach((spec, k) => {
            const m = stages[k]!.getSnapshot().metrics;
            expectConserved(m);
            // A stage runs the items no earlier stage failed.
            const reached = items.filter(
              (_, i) => !specs.slice(0, k).some((s) => s.fails.includes(i)),
            );
            expect(m.submitted).toBe(reached.length);
          });
          await Promise.all(stages.map((pool) => pool.close()));
          expect(clock.pending()).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
  });
});
