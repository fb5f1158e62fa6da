import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exponentialBackoff } from '../src/supervision/exponential-backoff.js';
import {
  decideRestart,
  type RestartType,
  type SupervisionStrategy,
  type SupervisorContext,
  type SupervisorDecision,
} from '../src/supervision/supervisor-machine.js';
import { asRestart, exited, supervised, supervisorContext } from './support/supervisor-harness.js';

const strategyArb = fc.constantFrom<SupervisionStrategy>(
  'one-for-one',
  'one-for-all',
  'rest-for-one',
);
const restartArb = fc.constantFrom<RestartType>('permanent', 'transient', 'temporary');
const idsArb = fc.uniqueArray(fc.stringMatching(/^[a-z]{1,3}$/), { minLength: 1, maxLength: 8 });

/** OTP: which children restart when `id` exits, in start order. */
function expectedIds(strategy: SupervisionStrategy, order: readonly string[], id: string) {
  if (strategy === 'one-for-one') return [id];
  if (strategy === 'one-for-all') return [...order];
  return order.slice(order.indexOf(id));
}

/** At most `max` of the sorted `times` fall in any window (t - withinMs, t]. */
function expectWindowHolds(times: readonly number[], max: number, withinMs: number) {
  for (const t of times) {
    expect(times.filter((u) => u > t - withinMs && u <= t).length).toBeLessThanOrEqual(max);
  }
}

describe('decideRestart properties', () => {
  it('restarts the children OTP says, in start order, stopping the others first', () => {
    fc.assert(
      fc.property(idsArb, fc.nat(), strategyArb, fc.boolean(), (order, i, strategy, abnormal) => {
        const id = order[i % order.length]!;
        const context = supervisorContext({ strategy, order, maxRestarts: 1 });
        const decision = asRestart(decideRestart(context, exited(id, abnormal), 0).decision);
        const ids = expectedIds(strategy, order, id);
        expect(decision.id).toBe(id);
        expect(decision.ids).toEqual(ids);
        expect(decision.stop).toEqual(ids.filter((other) => other !== id));
      }),
    );
  });

  it('restarts permanent children always, transient ones after abnormal exits, temporary never', () => {
    fc.assert(
      fc.property(restartArb, fc.boolean(), strategyArb, (restart, abnormal, strategy) => {
        const context = supervisorContext({ restart, strategy, order: ['a', 'b'] });
        const { decision } = decideRestart(context, exited('a', abnormal), 0);
        const wanted = restart === 'permanent' || (restart === 'transient' && abnormal);
        expect(decision).toEqual(
          wanted
            ? expect.objectContaining({ type: 'supervisor.restart', id: 'a' })
            : { type: 'supervisor.forget', id: 'a' },
        );
      }),
    );
  });

  it('never restarts more than M times within W ms, and escalates exactly at the (M+1)-th', () => {
    const exitArb = fc.record({
      gap: fc.oneof(
        fc.nat({ max: 3_000 }),
        fc.constantFrom<number | 'W-1' | 'W'>(0, 1, 'W-1', 'W'),
      ),
      id: fc.constantFrom('a', 'b', 'c'),
      abnormal: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 1, max: 2_000 }),
        fc.constantFrom<RestartType>('permanent', 'transient'),
        fc.array(exitArb, { maxLength: 40 }),
        (maxRestarts, withinMs, restart, exits) => {
          let context: SupervisorContext = supervisorContext({ maxRestarts, withinMs, restart });
          let now = 0;
          const restartedAt: number[] = [];
          for (const { gap, id, abnormal } of exits) {
            now += gap === 'W' ? withinMs : gap === 'W-1' ? withinMs - 1 : gap;
            const cause = { n: restartedAt.length };
            const result = decideRestart(context, exited(id, abnormal, cause), now);
            context = { ...context, ...result };
            const { decision } = result;
            const wanted = restart === 'permanent' || abnormal;
            const inWindow = restartedAt.filter((t) => t > now - withinMs).length;
            if (!wanted) {
              expect(decision.type).toBe('supervisor.forget');
            } else if (inWindow >= maxRestarts) {
              expect(decision.type).toBe('supervisor.escalate');
              if (decision.type !== 'supervisor.escalate') return;
              expect(decision.error.restarts).toBe(maxRestarts + 1);
              expect(decision.error.withinMs).toBe(withinMs);
              expect(decision.error.cause).toBe(cause);
              break;
            } else {
              expect(decision.type).toBe('supervisor.restart');
              restartedAt.push(now);
            }
          }
          expectWindowHolds(restartedAt, maxRestarts, withinMs);
        },
      ),
    );
  });
});

describe('supervisorMachine properties', () => {
  const children = ['a', 'b', 'c', 'd'];
  const configArb = fc.record({
    strategy: strategyArb,
    restart: restartArb,
    maxRestarts: fc.integer({ min: 1, max: 5 }),
    withinMs: fc.integer({ min: 1, max: 5_000 }),
    resetAfterMs: fc.integer({ min: 1, max: 3_000 }),
    backoff: fc
      .record({
        minMs: fc.integer({ min: 1, max: 100 }),
        extra: fc.nat({ max: 2_000 }),
        factor: fc.double({ min: 1, max: 3, noNaN: true }),
        jitter: fc.double({ min: 0, max: 1, noNaN: true }),
      })
      .map(({ minMs, extra, factor, jitter }) =>
        exponentialBackoff({ minMs, maxMs: minMs + extra, factor, jitter }),
      ),
    randoms: fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), {
      minLength: 1,
    }),
  });
  const stepArb = fc.record({
    gap: fc.oneof(
      { arbitrary: fc.nat({ max: 100 }), weight: 3 },
      fc.nat({ max: 4_000 }),
      fc.constantFrom(0, 1_000),
    ),
    child: fc.nat({ max: children.length - 1 }),
    abnormal: fc.boolean(),
    /** Restarted children report `child.started` in reverse order (they keep their places). */
    reversed: fc.boolean(),
  });

  it('reports decisions that match the OTP model: ids, attempts, delays, escalation', async () => {
    await fc.assert(
      fc.asyncProperty(configArb, fc.array(stepArb, { maxLength: 30 }), async (config, steps) => {
        const { randoms, ...input } = config;
        let draw = 0;
        const h = supervised({ ...input, random: () => randoms[draw++ % randoms.length] ?? 0 });
        const model = new Map<string, { startedAt: number; consecutive: number }>();
        const start = (id: string) => {
          h.started(id);
          const previous = model.get(id);
          model.set(id, { startedAt: h.clock.now(), consecutive: previous?.consecutive ?? 0 });
        };
        children.forEach(start);
        const restartedAt: number[] = [];
        let escalated = false;
        for (const { gap, child, abnormal, reversed } of steps) {
          await h.clock.advance(gap);
          const id = children[child]!;
          if (!model.has(id)) continue; // forgotten: not running, cannot exit
          const now = h.clock.now();
          const decision: SupervisorDecision | { type: 'done' } | undefined = h.exit(id, abnormal);
          const wanted =
            input.restart === 'permanent' || (input.restart === 'transient' && abnormal);
          if (!wanted) {
            expect(decision).toEqual({ type: 'supervisor.forget', id });
            model.delete(id);
            continue;
          }
          if (restartedAt.filter((t) => t > now - input.withinMs).length >= input.maxRestarts) {
            expect(decision?.type).toBe('supervisor.escalate');
            escalated = true;
            break;
          }
          const record = model.get(id)!;
          const attempt = now - record.startedAt >= input.resetAfterMs ? 1 : record.consecutive + 1;
          record.consecutive = attempt;
          const restart = asRestart(decision);
          expect(restart.ids).toEqual(expectedIds(input.strategy, children, id));
          expect(restart.attempt).toBe(attempt);
          // Siblings restarted with it that had run stably start a fresh backoff series.
          for (const sibling of restart.ids) {
            const rec = model.get(sibling);
            if (sibling !== id && rec !== undefined && now - rec.startedAt >= input.resetAfterMs) {
              rec.consecutive = 0;
            }
          }
          const [lo, hi] = input.backoff.bounds(attempt);
          expect(restart.delayMs).toBeGreaterThanOrEqual(lo);
          expect(restart.delayMs).toBeLessThanOrEqual(hi);
          restartedAt.push(now);
          await h.clock.advance(restart.delayMs);
          (reversed ? [...restart.ids].reverse() : restart.ids).forEach(start);
        }
        expectWindowHolds(restartedAt, input.maxRestarts, input.withinMs);
        const snapshot = h.supervisor.getSnapshot();
        expect(snapshot.value).toBe(escalated ? 'escalated' : 'supervising');
        expect(h.seen.at(-1)?.type === 'done').toBe(escalated);
        h.stop();
      }),
      { numRuns: 100 },
    );
  });
});
