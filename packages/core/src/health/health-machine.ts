import { assign, emit, setup } from 'xstate';
import type { HealthConfig } from './health-options.js';
import { judgeWindow, type HealthWindow } from './judge-window.js';

/** A sink's health, as its health machine judges it (the top-level state). */
export type HealthState = 'healthy' | 'degraded' | 'unhealthy' | 'probing';

/** What a health machine is told: a closed window to judge, or how a probe task ended. */
export type HealthEvent =
  | { readonly type: 'sample'; readonly window: HealthWindow }
  | { readonly type: 'probe.result'; readonly ok: boolean };

/** What a health machine emits (`actor.on('health.changed', …)`) on every change of state. */
export interface HealthChange {
  readonly type: 'health.changed';
  readonly from: HealthState;
  readonly to: HealthState;
  /** Why, for people: the thresholds crossed and the figures behind them. */
  readonly reason: string;
}

/** A health machine's context: its thresholds and counts, values only. */
export interface HealthContext {
  readonly config: HealthConfig;
  /** Bad windows in a row (reset by a good one, and on entering `unhealthy` or `probing`). */
  badWindows: number;
  /** Good windows in a row (reset by a bad one). */
  goodWindows: number;
  /** Probe tasks that succeeded since `probing` began. */
  probesOk: number;
  /**
   * Share of traffic to let through (0..1): 1 when healthy, 0 when unhealthy or probing (which
   * lets `probeTasks` tasks through instead), and rising in ten steps over `slowStartMs` after
   * probing succeeds. A `degraded` sink keeps the share it had.
   */
  admitFraction: number;
}

/** Slow start raises the share of traffic in this many equal steps. */
export const SLOW_START_STEPS = 10;

type Transition = { readonly from: HealthState; readonly to: HealthState };

const verdictOf = (context: HealthContext, event: HealthEvent) =>
  event.type === 'sample' ? judgeWindow(context.config, event.window) : undefined;

/** Why the transition happens, from the context after its counts and the event behind it. */
function reasonFor(context: HealthContext, event: HealthEvent, { from, to }: Transition): string {
  const { config } = context;
  const verdict = verdictOf(context, event);
  if (verdict?.bad === true) {
    const n = context.badWindows;
    return verdict.reasons.join('; ') + (n > 1 ? ` (${n} bad windows in a row)` : '');
  }
  if (event.type === 'sample') return `${context.goodWindows} good windows in a row`;
  if (event.type === 'probe.result') {
    if (!event.ok) return 'a probe task failed';
    return (
      `${config.probeTasks} probe tasks succeeded` +
      (config.slowStartMs > 0 ? `; ramping traffic up over ${config.slowStartMs} ms` : '')
    );
  }
  if (from === 'unhealthy' && to === 'probing') {
    return `unhealthy for ${config.probeEveryMs} ms: letting ${config.probeTasks} probe tasks through`;
  }
  return `${from} to ${to}`;
}

/**
 * A sink's health as a circuit breaker: `healthy → degraded → unhealthy → probing → healthy`.
 * Each `sample` is one closed window, judged by {@link judgeWindow}: `failuresToDegrade` bad
 * windows in a row degrade it, `failuresToUnhealthy` make it unhealthy (open: nothing gets
 * through); `successesToRecover` good ones bring a degraded sink back. After `probeEveryMs`
 * unhealthy it probes (half-open): `probeTasks` tasks go through, and all of them succeeding
 * (`probe.result`) makes it healthy again, with traffic ramping up over `slowStartMs`; a failed
 * probe or a bad window opens it again. Its timers run on the actor's clock; every change of
 * state is emitted as a {@link HealthChange} with its reason.
 *
 * @example
 * const actor = createActor(healthMachine, { input: resolveHealthOptions({ maxErrorRate: 0.2 }), clock });
 * actor.on('health.changed', ({ from, to, reason }) => console.log(from, '→', to, reason));
 * actor.start().send({ type: 'sample', window });
 */
export const healthMachine = setup({
  types: {
    context: {} as HealthContext,
    input: {} as HealthConfig,
    events: {} as HealthEvent,
    emitted: {} as HealthChange,
  },
  delays: {
    probeDelay: ({ context }) => context.config.probeEveryMs,
    rampStep: ({ context }) => context.config.slowStartMs / SLOW_START_STEPS,
  },
  guards: {
    badWindow: ({ context, event }) => verdictOf(context, event)?.bad === true,
    degrades: ({ context, event }) =>
      verdictOf(context, event)?.bad === true &&
      context.badWindows + 1 >= context.config.failuresToDegrade,
    worsens: ({ context, event }) =>
      verdictOf(context, event)?.bad === true &&
      context.badWindows + 1 >= context.config.failuresToUnhealthy,
    recovers: ({ context, event }) =>
      verdictOf(context, event)?.bad === false &&
      context.goodWindows + 1 >= context.config.successesToRecover,
    probeFailed: ({ event }) => event.type === 'probe.result' && !event.ok,
    probesPassed: ({ context, event }) =>
      event.type === 'probe.result' &&
      event.ok &&
      context.probesOk + 1 >= context.config.probeTasks,
    rampUnfinished: ({ context }) => context.admitFraction < 1,
    rampDone: ({ context }) => context.admitFraction + 1 / SLOW_START_STEPS >= 1 - 1e-9,
  },
  actions: {
    count: assign(({ context, event }) =>
      verdictOf(context, event)?.bad === true
        ? { badWindows: context.badWindows + 1, goodWindows: 0 }
        : { goodWindows: context.goodWindows + 1, badWindows: 0 },
    ),
    resetCounts: assign({ badWindows: 0, goodWindows: 0, probesOk: 0 }),
    countProbe: assign(({ context, event }) =>
      event.type === 'probe.result' && event.ok ? { probesOk: context.probesOk + 1 } : {},
    ),
    shutTraffic: assign({ admitFraction: 0 }),
    startRamp: assign(({ context }) => ({
      admitFraction: context.config.slowStartMs > 0 ? 1 / SLOW_START_STEPS : 1,
    })),
    rampUp: assign(({ context }) => ({
      // Whole steps, so that ten of them make exactly 1.
      admitFraction:
        Math.min(SLOW_START_STEPS, Math.round(context.admitFraction * SLOW_START_STEPS) + 1) /
        SLOW_START_STEPS,
    })),
    fullTraffic: assign({ admitFraction: 1 }),
    report: emit(({ context, event }, params: Transition) => ({
      type: 'health.changed' as const,
      from: params.from,
      to: params.to,
      reason: reasonFor(context, event, params),
    })),
  },
}).createMachine({
  id: 'health',
  initial: 'healthy',
  context: ({ input }) => ({
    config: input,
    badWindows: 0,
    goodWindows: 0,
    probesOk: 0,
    admitFraction: 1,
  }),
  states: {
    healthy: {
      initial: 'steady',
      on: {
        sample: [
          {
            guard: 'degrades',
            target: 'degraded',
            actions: ['count', { type: 'report', params: { from: 'healthy', to: 'degraded' } }],
          },
          { actions: 'count' },
        ],
      },
      states: {
        steady: {
          always: { guard: 'rampUnfinished', target: 'ramping' },
        },
        ramping: {
          after: {
            rampStep: [
              { guard: 'rampDone', target: 'steady', actions: 'fullTraffic' },
              { target: 'ramping', reenter: true, actions: 'rampUp' },
            ],
          },
        },
      },
    },
    degraded: {
      on: {
        sample: [
          {
            guard: 'worsens',
            target: 'unhealthy',
            actions: ['count', { type: 'report', params: { from: 'degraded', to: 'unhealthy' } }],
          },
          {
            guard: 'recovers',
            target: 'healthy',
            actions: ['count', { type: 'report', params: { from: 'degraded', to: 'healthy' } }],
          },
          { actions: 'count' },
        ],
      },
    },
    unhealthy: {
      entry: ['resetCounts', 'shutTraffic'],
      after: {
        probeDelay: {
          target: 'probing',
          actions: { type: 'report', params: { from: 'unhealthy', to: 'probing' } },
        },
      },
    },
    probing: {
      entry: 'resetCounts',
      on: {
        'probe.result': [
          {
            guard: 'probeFailed',
            target: 'unhealthy',
            actions: { type: 'report', params: { from: 'probing', to: 'unhealthy' } },
          },
          {
            guard: 'probesPassed',
            target: 'healthy',
            actions: ['startRamp', { type: 'report', params: { from: 'probing', to: 'healthy' } }],
          },
          { actions: 'countProbe' },
        ],
        sample: {
          guard: 'badWindow',
          target: 'unhealthy',
          actions: { type: 'report', params: { from: 'probing', to: 'unhealthy' } },
        },
      },
    },
  },
});
