/**
 * Every transition of the health machine follows its thresholds: over random thresholds and
 * random sequences of windows, probe results and passing time, the machine is in the state a
 * small reference model (below, written from the thresholds alone) says, step by step, lets the
 * same share of traffic through, and emits exactly the model's transitions.
 */
import fc from 'fast-check';
import { createActor } from 'xstate';
import { describe, expect, it } from 'vitest';
import {
  createVirtualClock,
  healthMachine,
  resolveHealthOptions,
  type HealthChange,
  type HealthConfig,
  type HealthState,
  type HealthWindow,
} from '@troupe/core';

type Step =
  | { readonly kind: 'window'; readonly window: HealthWindow }
  | { readonly kind: 'probe'; readonly ok: boolean }
  | { readonly kind: 'wait'; readonly ms: number };

const thresholds = fc
  .record({
    maxErrorRate: fc.integer({ min: 0, max: 100 }).map((n) => n / 100),
    maxP99Ms: fc.oneof(fc.integer({ min: 1, max: 500 }), fc.constant(Infinity)),
    maxQueueRatio: fc.integer({ min: 1, max: 100 }).map((n) => n / 100),
    stallMs: fc.integer({ min: 1, max: 60_000 }),
    minSamples: fc.integer({ min: 1, max: 30 }),
    failuresToDegrade: fc.integer({ min: 1, max: 3 }),
    extraToUnhealthy: fc.integer({ min: 1, max: 3 }),
    successesToRecover: fc.integer({ min: 1, max: 3 }),
    probeEveryMs: fc.integer({ min: 1, max: 2_000 }),
    probeTasks: fc.integer({ min: 1, max: 3 }),
    slowStartMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5_000 })),
  })
  .map(({ extraToUnhealthy, ...t }) =>
    resolveHealthOptions({ ...t, failuresToUnhealthy: t.failuresToDegrade + extraToUnhealthy }),
  );

const window: fc.Arbitrary<HealthWindow> = fc
  .record({
    succeeded: fc.integer({ min: 0, max: 40 }),
    failed: fc.integer({ min: 0, max: 40 }),
    p99Ms: fc.integer({ min: 0, max: 600 }),
    capacity: fc.constantFrom(0, 10, 100, Infinity),
    fill: fc.double({ min: 0, max: 1, noNaN: true }),
    stalledMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 90_000 })),
  })
  .map(({ succeeded, failed, p99Ms, capacity, fill, stalledMs }) => ({
    from: 0,
    to: 10_000,
    succeeded,
    failed,
    p99Ms: succeeded > 0 ? p99Ms : undefined,
    queued: capacity === Infinity ? Math.round(fill * 1_000) : Math.round(fill * capacity),
    capacity,
    stalledMs,
  }));

/** A window nothing is wrong with, so that runs also reach probing and the slow start. */
const clean: fc.Arbitrary<HealthWindow> = fc.integer({ min: 0, max: 40 }).map((succeeded) => ({
  from: 0,
  to: 10_000,
  succeeded,
  failed: 0,
  p99Ms: succeeded > 0 ? 0 : undefined,
  queued: 0,
  capacity: 100,
  stalledMs: 0,
}));

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: window.map((w) => ({ kind: 'window' as const, window: w })) },
  { weight: 1, arbitrary: clean.map((w) => ({ kind: 'window' as const, window: w })) },
  {
    weight: 2,
    arbitrary: fc.integer({ min: 0, max: 9 }).map((n) => ({ kind: 'probe' as const, ok: n > 0 })),
  },
  {
    weight: 2,
    arbitrary: fc.integer({ min: 0, max: 3_000 }).map((ms) => ({ kind: 'wait' as const, ms })),
  },
);

/** A window bad under any generated thresholds: work stalled past the longest `stallMs`. */
const stalled: HealthWindow = { ...emptyWindow(), queued: 1, stalledMs: 90_000 };

/**
 * Runs of purely random steps rarely get through probing into the slow start; these blocks take
 * the machine there (and keep it there a while) so that the ramp is compared as often as the rest.
 */
const episode: fc.Arbitrary<Step[]> = fc
  .tuple(
    fc.integer({ min: 0, max: 4 }),
    fc.integer({ min: 0, max: 2_500 }),
    fc.integer({ min: 0, max: 4 }),
    fc.array(fc.integer({ min: 0, max: 800 }), { maxLength: 8 }),
  )
  .map(([bad, wait, probes, waits]) => [
    ...Array.from({ length: bad }, () => ({ kind: 'window' as const, window: stalled })),
    { kind: 'wait' as const, ms: wait },
    ...Array.from({ length: probes }, () => ({ kind: 'probe' as const, ok: true })),
    ...waits.map((ms) => ({ kind: 'wait' as const, ms })),
  ]);

const steps: fc.Arbitrary<Step[]> = fc
  .array(
    fc.oneof(
      step.map((s) => [s]),
      episode,
    ),
    { maxLength: 30 },
  )
  .map((blocks) => blocks.flat());

function emptyWindow(): HealthWindow {
  return {
    from: 0,
    to: 10_000,
    succeeded: 0,
    failed: 0,
    p99Ms: undefined,
    queued: 0,
    capacity: 100,
    stalledMs: 0,
  };
}

/** The reference model: the thresholds, read literally. Ramp shares are whole tenths (`tenths`). */
class Model {
  state: HealthState = 'healthy';
  bad = 0;
  good = 0;
  probesOk = 0;
  tenths = 10;
  /** When unhealthy: when probing begins. */
  probeAt = 0;
  /** When healthy and ramping: when the share next rises. */
  nextStepAt: number | undefined = undefined;
  now = 0;
  readonly changes: [HealthState, HealthState][] = [];
  /** Whether the share of traffic rose a step during the run (for coverage). */
  ramped = false;

  constructor(readonly t: HealthConfig) {}

  isBad(w: HealthWindow): boolean {
    const { t } = this;
    const runs = w.succeeded + w.failed;
    return (
      (runs >= t.minSamples && w.failed / runs > t.maxErrorRate) ||
      (w.p99Ms !== undefined && w.succeeded >= t.minSamples && w.p99Ms > t.maxP99Ms) ||
      (w.capacity > 0 && w.capacity < Infinity && w.queued / w.capacity > t.maxQueueRatio) ||
      (w.stalledMs > 0 && w.stalledMs >= t.stallMs)
    );
  }

  go(to: HealthState): void {
    this.changes.push([this.state, to]);
    this.state = to;
    this.nextStepAt = undefined;
    if (to === 'unhealthy') {
      this.bad = this.good = this.probesOk = 0;
      this.tenths = 0;
      this.probeAt = this.now + this.t.probeEveryMs;
    }
    if (to === 'probing') this.bad = this.good = this.probesOk = 0;
    if (to === 'healthy' && this.tenths < 10) this.nextStepAt = this.now + this.t.slowStartMs / 10;
  }

  window(w: HealthWindow): void {
    const bad = this.isBad(w);
    if (this.state === 'unhealthy') return;
    if (this.state === 'probing') {
      if (bad) this.go('unhealthy');
      return;
    }
    if (bad) {
      this.bad++;
      this.good = 0;
    } else {
      this.good++;
      this.bad = 0;
    }
    if (this.state === 'healthy' && this.bad >= this.t.failuresToDegrade) this.go('degraded');
    else if (this.state === 'degraded' && this.bad >= this.t.failuresToUnhealthy)
      this.go('unhealthy');
    else if (this.state === 'degraded' && this.good >= this.t.successesToRecover)
      this.go('healthy');
  }

  probe(ok: boolean): void {
    if (this.state !== 'probing') return;
    if (!ok) return this.go('unhealthy');
    if (++this.probesOk < this.t.probeTasks) return;
    this.tenths = this.t.slowStartMs > 0 ? 1 : 10;
    this.go('healthy');
  }

  wait(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      if (this.state === 'unhealthy' && this.probeAt <= until) {
        this.now = this.probeAt;
        this.go('probing');
      } else if (this.nextStepAt !== undefined && this.nextStepAt <= until) {
        this.now = this.nextStepAt;
        this.tenths++;
        this.ramped = true;
        this.nextStepAt = this.tenths < 10 ? this.now + this.t.slowStartMs / 10 : undefined;
      } else break;
    }
    this.now = until;
  }
}

describe('healthMachine against a reference model', () => {
  it('is in the model state after every step, with its transitions and traffic share', async () => {
    const reached = new Set<string>();
    await fc.assert(
      fc.asyncProperty(thresholds, steps, async (config, run) => {
        const clock = createVirtualClock();
        const actor = createActor(healthMachine, { input: config, clock });
        const emitted: HealthChange[] = [];
        actor.on('health.changed', (change) => void emitted.push(change));
        actor.start();
        const model = new Model(config);
        const stateOf = (): HealthState => {
          const value = actor.getSnapshot().value;
          return (typeof value === 'string' ? value : Object.keys(value)[0]) as HealthState;
        };
        try {
          for (const s of run) {
            if (s.kind === 'window') {
              model.window(s.window);
              actor.send({ type: 'sample', window: s.window });
            } else if (s.kind === 'probe') {
              model.probe(s.ok);
              actor.send({ type: 'probe.result', ok: s.ok });
            } else {
              model.wait(s.ms);
              await clock.advance(s.ms);
            }
            expect(stateOf()).toBe(model.state);
            expect(actor.getSnapshot().context.admitFraction).toBe(model.tenths / 10);
            expect(emitted.map((c) => [c.from, c.to])).toEqual(model.changes);
          }
          expect(emitted.every((c) => c.reason.length > 0)).toBe(true);
          reached.add(model.state);
          if (model.changes.some(([from]) => from === 'probing')) reached.add('probed');
          if (model.ramped) reached.add('ramped');
          expect(actor.getSnapshot().status).toBe('active');
        } finally {
          actor.stop();
        }
      }),
      { numRuns: 300 },
    );
    // The runs went everywhere: the property is not vacuous.
    expect([...reached].sort()).toEqual([
      'degraded',
      'healthy',
      'probed',
      'probing',
      'ramped',
      'unhealthy',
    ]);
  });
});
