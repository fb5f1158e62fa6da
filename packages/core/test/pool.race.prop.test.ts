/**
 * Races in the pool (fc.scheduler): fast-check picks the order in which task completions,
 * failures and crashes, abort signals, submits, close() calls, resizes and clock steps happen.
 * Whatever the interleaving, every accepted task settles exactly once with an outcome its kind
 * allows, counters conserve at every outcome, the lifecycle only takes legal transitions, and
 * submits are accepted exactly while the pool is starting or running.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PoolStateError, WorkerCrashedError, type CloseOptions } from '@troupe/core';
import {
  Harness,
  advanceUntil,
  conservationProblem,
  track,
  type Kind,
  type Play,
  type PoolConfig,
  type TaskSpec,
} from './support/pool-harness.js';
import { expectAllSettled } from './support/pool-model.js';

type Action =
  | { readonly type: 'submit'; readonly spec: TaskSpec }
  | { readonly type: 'abort'; readonly k: number }
  | { readonly type: 'close'; readonly options: CloseOptions }
  | { readonly type: 'resize'; readonly size: number }
  | { readonly type: 'advance'; readonly ms: number };

/** Every task but a hang settles when the scheduler releases it; a hang settles only on abort. */
const play = (s: fc.Scheduler) => (): Play => (rec, ctx) => {
  const { kind } = rec.spec;
  if (kind === 'hang') {
    const { signal } = ctx;
    return new Promise<number>((_, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
    });
  }
  const release = s.schedule(Promise.resolve(), `task ${rec.id} (${kind}) settles`);
  if (kind === 'throw') return release.then(() => Promise.reject(rec.error));
  if (kind === 'crash')
    return release.then(() =>
      Promise.reject(new WorkerCrashedError(`task ${rec.id} broke its worker`)),
    );
  return release.then(() => rec.id);
};

/** Runs one action as the scheduler releases it, checking what must hold at that very moment. */
function act(h: Harness, a: Action, closeTimes: number[]): Promise<void> | undefined {
  const state = h.pool.getSnapshot().state;
  const now = h.clock.now();
  switch (a.type) {
    case 'submit': {
      const { rec, accepted } = h.submit(a.spec);
      const open = state === 'starting' || state === 'running';
      if (accepted !== open)
        h.violations.push(`submit while ${state}: accepted ${String(accepted)}`);
      if (!accepted)
        h.doors.push({
          reason: state === 'failed' ? 'pool-failed' : 'pool-closed',
          promise: rec.promise!,
        });
      return undefined;
    }
    case 'abort': {
      const abortable = h.tasks.filter((t) => t.controller !== undefined);
      const rec = abortable[a.k % Math.max(1, abortable.length)];
      if (rec === undefined) return undefined;
      const wasOpen = rec.outcome === undefined;
      h.abort(rec);
      // The abort listener settles the task synchronously.
      if (wasOpen && rec.tag() !== 'TaskCancelled')
        h.violations.push(`task ${rec.id} ${rec.tag()} right after its abort`);
      return undefined;
    }
    case 'close': {
      if (a.options.abort === true || a.options.timeoutMs !== undefined) closeTimes.push(now);
      h.closes.push(track(h.pool.close(a.options)));
      if (a.options.abort === true && state !== 'stopped' && h.unsettled().length > 0) {
        h.violations.push(
          `close({ abort }) while ${state} left ${h
            .unsettled()
            .map((t) => t.id)
            .join(', ')} unsettled`,
        );
      }
      return undefined;
    }
    case 'resize': {
      const resized = track(h.pool.resize(a.size));
      h.resizes.push(resized);
      if (state !== 'starting' && state !== 'running') {
        return h.clock.flush().then(() => {
          if (!(resized.error instanceof PoolStateError))
            h.violations.push(`resize while ${state} did not reject with PoolStateError`);
        });
      }
      return undefined;
    }
    case 'advance':
      return h.clock.advance(a.ms);
  }
}

/** With nothing left to release: queued tasks wait only behind workers busy with unsettled (hung) tasks. */
function expectProgress(h: Harness): void {
  const { metrics, workers } = h.pool.getSnapshot();
  if (metrics.queued === 0) return;
  expect(
    workers.map((w) => w.state),
    'queued tasks wait only while every worker is busy',
  ).not.toContain('idle');
  const running = h.tasks.filter((t) => t.started !== undefined && t.outcome === undefined);
  expect(
    running.length,
    `${metrics.queued} queued behind workers that hold no unsettled task`,
  ).toBeGreaterThan(0);
}

const specArb: fc.Arbitrary<TaskSpec> = fc
  .record({
    kind: fc.constantFrom<Kind>('ok', 'ok', 'throw', 'crash', 'crash', 'hang', 'hang'),
    timeoutMs: fc.option(fc.constantFrom(10, 100), { nil: undefined }),
    abortable: fc.boolean(),
  })
  // Only hangs get a time limit: the others settle when the scheduler says, not on the clock.
  .map(({ kind, timeoutMs, abortable }) => ({
    kind,
    ms: 0,
    timeoutMs: kind === 'hang' ? timeoutMs : undefined,
    abortable,
  }));

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: specArb.map((spec) => ({ type: 'submit' as const, spec })) },
  { weight: 3, arbitrary: fc.nat(10).map((k) => ({ type: 'abort' as const, k })) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom<CloseOptions>({}, { abort: true }, { timeoutMs: 0 }, { timeoutMs: 50 })
      .map((options) => ({ type: 'close' as const, options })),
  },
  {
    weight: 2,
    arbitrary: fc.integer({ min: 1, max: 4 }).map((size) => ({ type: 'resize' as const, size })),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(0, 10, 100).map((ms) => ({ type: 'advance' as const, ms })),
  },
);

const configArb: fc.Arbitrary<PoolConfig> = fc.record({ size: fc.integer({ min: 1, max: 3 }) });

describe('pool races (fc.scheduler)', () => {
  it('settles every accepted task exactly once whatever the interleaving of completions, aborts, close and resize', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        configArb,
        fc.array(specArb, { minLength: 1, maxLength: 6 }),
        fc.array(actionArb, { maxLength: 10 }),
        async (s, config, initial, actions) => {
          const h = new Harness(config, play(s));
          const closeTimes: number[] = [];
          h.pool.start();
          for (const spec of initial) h.submit(spec);
          const chains = actions.map((a) =>
            s
              .schedule(Promise.resolve(), `${a.type} ${JSON.stringify(a)}`)
              .then(() => act(h, a, closeTimes)),
          );
          const checkCounters = (): void => {
            const problem = conservationProblem(h.metrics());
            if (problem !== undefined) h.violations.push(problem);
          };
          // Let fast-check release everything (in its chosen order), including what releases schedule.
          do {
            await s.waitIdle();
            await Promise.all(chains);
            await h.clock.advance(0); // (restarts without backoff wait for the clock's next tick)
            checkCounters();
          } while (s.count() > 0);
          expect(h.violations).toEqual([]);
          expectProgress(h);
          // A drain close must finish once only tasks that can end are left.
          const finite = h.unsettled().every((t) => t.spec.kind !== 'hang' || t.effT !== undefined);
          if (finite && h.pool.getSnapshot().state !== 'stopped') {
            if (h.pool.getSnapshot().state !== 'closing') h.closes.push(track(h.pool.close()));
            for (let i = 0; i < 20 && h.pool.getSnapshot().state !== 'stopped'; i++) {
              await s.waitIdle();
              await h.clock.advance(100);
            }
            expect(h.pool.getSnapshot().state, 'drain close with only finite tasks left').toBe(
              'stopped',
            );
          }
          if (h.pool.getSnapshot().state !== 'stopped') {
            closeTimes.push(h.clock.now());
            const closed = track(h.pool.close({ abort: true }));
            h.closes.push(closed);
            expect(
              await advanceUntil(h.clock, () => closed.settled > 0),
              'close({ abort }) settles',
            ).toBe(true);
          }
          await s.waitIdle(); // late completions of cancelled tasks
          await expectAllSettled(h, {
            strict: false,
            failTimes: h.crashes.filter((c) => !c.hung).length > 5 ? [0] : [],
            closeTimes,
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
