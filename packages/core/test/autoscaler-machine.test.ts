/**
 * The autoscaler machine is plain logic: it runs with `createActor(autoscalerMachine, { input })`
 * and metrics events alone; its one effect, carrying a decision out, goes to `apply` in its input.
 */
import { createActor } from 'xstate';
import { describe, expect, it } from 'vitest';
import { createPool, createVirtualClock, type PoolMetrics } from '@troupe/core';
import { autoscalerMachine, type ScaleDecision } from '../src/scaling/autoscaler-machine.js';
import { resolveSizing } from '../src/scaling/sizing-options.js';

/** A valid metrics snapshot to vary: a fresh pool's. */
const blank: PoolMetrics = createPool({
  worker: (n: number) => n,
  clock: createVirtualClock(),
}).getSnapshot().metrics;

/** Two workers, both busy all the time, three tasks waiting. */
const saturated: PoolMetrics = { ...blank, workers: 2, active: 2, queued: 3, utilisation: 1 };

describe('autoscalerMachine, driven by events alone', () => {
  it('decides on a metrics tick, then cools down before it decides again', async () => {
    const clock = createVirtualClock();
    const applied: ScaleDecision[] = [];
    let size = 2;
    const actor = createActor(autoscalerMachine, {
      clock,
      input: {
        sizing: resolveSizing({ min: 1, max: 8, target: { utilisation: 0.5 }, cooldownMs: 1_000 }),
        sizeOf: () => size,
        apply: (decision) => {
          applied.push(decision);
          size = decision.to;
        },
      },
    }).start();
    expect(actor.getSnapshot().value).toBe('watching');

    actor.send({ type: 'metrics', metrics: saturated, recentWaitP99: undefined });
    expect(applied).toEqual([expect.objectContaining({ from: 2, to: 4, because: 'utilisation' })]);
    expect(actor.getSnapshot().value).toBe('cooling');

    actor.send({ type: 'metrics', metrics: saturated, recentWaitP99: undefined });
    expect(applied).toHaveLength(1);

    await clock.advance(1_000);
    expect(actor.getSnapshot().value).toBe('watching');
    actor.send({
      type: 'metrics',
      metrics: { ...saturated, workers: 4 },
      recentWaitP99: undefined,
    });
    expect(applied.map((d) => d.to)).toEqual([4, 8]);
    actor.stop();
  });

  it('in dry run, reports what it would do and keeps the size it would have had', () => {
    const applied: ScaleDecision[] = [];
    const actor = createActor(autoscalerMachine, {
      clock: createVirtualClock(),
      input: {
        sizing: resolveSizing({ min: 1, max: 4, dryRun: true }),
        sizeOf: () => 1,
        apply: (decision) => void applied.push(decision),
      },
    }).start();
    actor.send({
      type: 'metrics',
      metrics: { ...blank, workers: 1, active: 1, queued: 2 },
      recentWaitP99: undefined,
    });
    expect(applied).toEqual([expect.objectContaining({ from: 1, to: 3, because: 'demand' })]);
    expect(actor.getSnapshot().context.hypothetical).toBe(3);
    actor.stop();
  });
});
