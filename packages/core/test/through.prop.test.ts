/** `through` property: ordered output is the inputs in order, unordered a permutation. */
import fc from 'fast-check';
import { from } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { through, type ThroughOptions } from '@troupe/core';
import { expectConserved } from './support/conservation.js';
import { valueOf } from './support/results.js';
import { collect, counting, doubler } from './support/through-harness.js';
import { settleWith } from './support/virtual-time.js';

describe('through: property', () => {
  it('ordered output is the inputs mapped in order, unordered a permutation; the in-flight bound holds', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 25 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 5 }),
        fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
        fc.boolean(),
        async (inputs, size, capacity, concurrency, ordered) => {
          const { clock, pool, stats: running } = await doubler({ size, capacity });
          const { proxy, stats } = counting(pool);
          const options: ThroughOptions =
            concurrency === undefined ? { ordered } : { ordered, concurrency };
          const results = await collect(clock, from(inputs).pipe(through(proxy, options)));
          const out = results.map(valueOf);
          const expected = inputs.map((n) => n * 2);
          if (ordered) expect(out).toEqual(expected);
          else
            expect([...out].sort((a, b) => Number(a) - Number(b))).toEqual(
              [...expected].sort((a, b) => a - b),
            );
          const limit = Math.min(concurrency ?? size + Math.min(size, capacity), size + capacity);
          expect(stats.maxInFlight).toBeLessThanOrEqual(limit);
          expect(running.maxRunning).toBeLessThanOrEqual(Math.min(size, limit));
          await settleWith(clock, pool.onIdle());
          const m = pool.getSnapshot().metrics;
          expect(m).toMatchObject({
            submitted: inputs.length,
            completed: inputs.length,
            rejected: 0,
          });
          expectConserved(m);
          await pool.close();
        },
      ),
      { numRuns: 100 },
    );
  });
});
