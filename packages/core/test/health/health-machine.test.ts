/**
 * The health machine is plain logic: it runs with `createActor(healthMachine, { input, clock })`
 * and events alone; its timers (probing, slow start) run on the virtual clock, and every change
 * of state is emitted with its reason.
 */
import { createActor } from 'xstate';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createVirtualClock,
  healthMachine,
  resolveHealthOptions,
  type HealthChange,
  type HealthOptions,
  type HealthState,
  type HealthWindow,
} from '@troupe/core';

/** A window of 5 s with `succeeded`/`failed` runs and nothing queued. */
const window = (
  succeeded: number,
  failed: number,
  extra: Partial<HealthWindow> = {},
): HealthWindow => ({
  from: 0,
  to: 5_000,
  succeeded,
  failed,
  p99Ms: succeeded > 0 ? 10 : undefined,
  queued: 0,
  capacity: 100,
  stalledMs: 0,
  ...extra,
});
const good = window(100, 0);
const bad = window(69, 31);

const stops: (() => void)[] = [];
afterEach(() => stops.splice(0).forEach((stop) => stop()));

function start(options: HealthOptions = {}) {
  const clock = createVirtualClock();
  const actor = createActor(healthMachine, {
    input: resolveHealthOptions({
      maxErrorRate: 0.2,
      minSamples: 10,
      probeEveryMs: 1_000,
      probeTasks: 2,
      slowStartMs: 1_000,
      ...options,
    }),
    clock,
  });
  const changes: HealthChange[] = [];
  actor.on('health.changed', (change) => void changes.push(change));
  actor.start();
  stops.push(() => {
    // No machine of ours ends in XState's error status.
    expect(actor.getSnapshot().status).toBe('active');
    actor.stop();
  });
  const state = (): HealthState => {
    const value = actor.getSnapshot().value;
    return (typeof value === 'string' ? value : Object.keys(value)[0]) as HealthState;
  };
  const sample = (w: HealthWindow) => actor.send({ type: 'sample', window: w });
  const probe = (ok: boolean) => actor.send({ type: 'probe.result', ok });
  return { clock, actor, changes, state, sample, probe };
}

describe('healthMachine, driven by events alone', () => {
  it('starts healthy, letting all traffic through', () => {
    const { state, actor } = start();
    expect(state()).toBe('healthy');
    expect(actor.getSnapshot().value).toEqual({ healthy: 'steady' });
    expect(actor.getSnapshot().context.admitFraction).toBe(1);
  });

  it('degrades on a bad window and turns unhealthy on the second in a row, saying why', () => {
    const { state, sample, changes, actor } = start();
    sample(good);
    expect(state()).toBe('healthy');
    sample(bad);
    expect(state()).toBe('degraded');
    expect(actor.getSnapshot().context.admitFraction).toBe(1);
    sample(bad);
    expect(state()).toBe('unhealthy');
    expect(actor.getSnapshot().context.admitFraction).toBe(0);
    expect(changes).toEqual([
      {
        type: 'health.changed',
        from: 'healthy',
        to: 'degraded',
        reason: 'error rate 0.31 > 0.2 over 5000 ms',
      },
      {
        type: 'health.changed',
        from: 'degraded',
        to: 'unhealthy',
        reason: 'error rate 0.31 > 0.2 over 5000 ms (2 bad windows in a row)',
      },
    ]);
  });

  it('brings a degraded sink back after successesToRecover good windows in a row', () => {
    const { state, sample, changes } = start({ successesToRecover: 2 });
    sample(bad);
    sample(good);
    expect(state()).toBe('degraded');
    sample(bad);
    sample(good);
    sample(good);
    expect(state()).toBe('healthy');
    expect(changes.at(-1)).toMatchObject({
      from: 'degraded',
      to: 'healthy',
      reason: '2 good windows in a row',
    });
  });

  it('counts bad windows in a row only: a good one in between starts again', () => {
    const { state, sample } = start({ failuresToDegrade: 2, failuresToUnhealthy: 3 });
    sample(bad);
    sample(good);
    sample(bad);
    expect(state()).toBe('healthy');
    sample(bad);
    expect(state()).toBe('degraded');
    sample(bad);
    expect(state()).toBe('unhealthy');
  });

  it('judges a window with fewer than minSamples runs on queue and stall only', () => {
    const { state, sample, changes } = start({ minSamples: 10 });
    sample(window(1, 8));
    expect(state()).toBe('healthy');
    sample(window(0, 0, { queued: 95 }));
    expect(state()).toBe('degraded');
    sample(window(0, 0, { queued: 3, stalledMs: 30_000 }));
    expect(state()).toBe('unhealthy');
    expect(changes.map((c) => c.reason)).toEqual([
      'queue 95/100 (0.95) > 0.9 of capacity',
      'stalled: work waiting and no task finished for 30000 ms (stallMs 30000) (2 bad windows in a row)',
    ]);
  });

  it('probes after probeEveryMs, then recovers when every probe task succeeds and ramps traffic up', async () => {
    const { clock, state, sample, probe, changes, actor } = start();
    sample(bad);
    sample(bad);
    sample(good); // ignored while unhealthy
    await clock.advance(999);
    expect(state()).toBe('unhealthy');
    await clock.advance(1);
    expect(state()).toBe('probing');
    expect(changes.at(-1)).toMatchObject({
      from: 'unhealthy',
      to: 'probing',
      reason: 'unhealthy for 1000 ms: letting 2 probe tasks through',
    });
    probe(true);
    expect(state()).toBe('probing');
    probe(true);
    expect(state()).toBe('healthy');
    expect(actor.getSnapshot().value).toEqual({ healthy: 'ramping' });
    expect(changes.at(-1)).toMatchObject({
      from: 'probing',
      to: 'healthy',
      reason: '2 probe tasks succeeded; ramping traffic up over 1000 ms',
    });
    const shares = [actor.getSnapshot().context.admitFraction];
    for (let i = 0; i < 10; i++) {
      await clock.advance(100);
      shares.push(actor.getSnapshot().context.admitFraction);
    }
    expect(shares).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1]);
    expect(actor.getSnapshot().value).toEqual({ healthy: 'steady' });
    expect(clock.pending()).toBe(0);
  });

  it('opens again when a probe task fails, and probes again later', async () => {
    const { clock, state, sample, probe, changes } = start();
    sample(bad);
    sample(bad);
    await clock.advance(1_000);
    probe(true);
    probe(false);
    expect(state()).toBe('unhealthy');
    expect(changes.at(-1)).toMatchObject({
      from: 'probing',
      to: 'unhealthy',
      reason: 'a probe task failed',
    });
    await clock.advance(1_000);
    expect(state()).toBe('probing');
    // Counts start again: one success is not enough after a reopen.
    probe(true);
    expect(state()).toBe('probing');
  });

  it('opens again when a window closes bad while probing', async () => {
    const { clock, state, sample, changes } = start();
    sample(bad);
    sample(bad);
    await clock.advance(1_000);
    sample(good);
    expect(state()).toBe('probing');
    sample(bad);
    expect(state()).toBe('unhealthy');
    expect(changes.at(-1)?.reason).toBe('error rate 0.31 > 0.2 over 5000 ms');
  });

  it('keeps the ramp share when it degrades mid-ramp, and resumes the ramp on recovery', async () => {
    const { clock, sample, probe, actor } = start({ successesToRecover: 1 });
    sample(bad);
    sample(bad);
    await clock.advance(1_000);
    probe(true);
    probe(true);
    await clock.advance(200);
    expect(actor.getSnapshot().context.admitFraction).toBe(0.3);
    sample(bad);
    await clock.advance(500);
    expect(actor.getSnapshot().value).toBe('degraded');
    expect(actor.getSnapshot().context.admitFraction).toBe(0.3);
    sample(good);
    expect(actor.getSnapshot().value).toEqual({ healthy: 'ramping' });
    await clock.advance(700);
    expect(actor.getSnapshot().value).toEqual({ healthy: 'steady' });
    expect(actor.getSnapshot().context.admitFraction).toBe(1);
  });

  it('recovers at full traffic at once with slowStartMs 0', async () => {
    const { clock, sample, probe, actor } = start({ slowStartMs: 0, probeTasks: 1 });
    sample(bad);
    sample(bad);
    await clock.advance(1_000);
    probe(true);
    expect(actor.getSnapshot().value).toEqual({ healthy: 'steady' });
    expect(actor.getSnapshot().context.admitFraction).toBe(1);
  });

  it('ignores probe results outside probing', () => {
    const { state, probe, sample } = start();
    probe(false);
    expect(state()).toBe('healthy');
    sample(bad);
    probe(false);
    expect(state()).toBe('degraded');
  });
});
