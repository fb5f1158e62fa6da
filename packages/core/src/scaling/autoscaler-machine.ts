import { enqueueActions, raise, setup } from 'xstate';
import type { PoolMetrics } from '../metrics/metrics.js';
import type { ScaleTarget, SizingConfig } from './sizing-options.js';

/** Why a pool changed size. */
export type ScaleReason = 'demand' | 'idle' | 'utilisation' | 'queue-wait';

/** A resize the autoscaler (or the pool's demand and idle rules) decided on. */
export interface ScaleDecision {
  readonly from: number;
  readonly to: number;
  readonly because: ScaleReason;
  /** The figures behind it, for people. */
  readonly detail: string;
}

/** What the target policy looks at. */
export interface ScaleView {
  /** Workers the pool aims for now. */
  readonly size: number;
  readonly min: number;
  readonly max: number;
  readonly metrics: PoolMetrics;
  /** p99 of queue wait since the previous tick (ms), or undefined when no task started. */
  readonly recentWaitP99: number | undefined;
}

const clamp = (n: number, min: number, max: number): number => Math.min(max, Math.max(min, n));

/**
 * The target policy, a pure function: the size the pool should have by its metric, or
 * `undefined` to stay. Utilisation: `ceil(size × utilisation / target)`, left alone within
 * ±10% of the target, never below the current size while work waits, and never above it unless
 * the work present now (running + queued, over the size) is also over the target. Queue wait: grow in
 * proportion to how far the recent p99 is over the target (at most doubling); shrink by one
 * when it is under half the target, nothing waits and a worker's worth of time was idle.
 */
export function decideTarget(target: ScaleTarget, view: ScaleView): ScaleDecision | undefined {
  const { size, min, max, metrics } = view;
  let to = size;
  let detail: string;
  if ('utilisation' in target) {
    const u = metrics.utilisation;
    if (metrics.workers === 0 || Math.abs(u - target.utilisation) <= 0.1 * target.utilisation)
      return undefined;
    to = Math.ceil((size * u) / target.utilisation);
    if (metrics.queued > 0) to = Math.max(to, size);
    // The figure covers the whole window: right after a burst it is still high while nothing runs.
    // Grow only while the work present now is over the target too, or an idle pool would flap
    // between this growth and the idle timeout.
    if (to > size && (metrics.active + metrics.queued) / size <= target.utilisation)
      return undefined;
    detail = `utilisation ${u.toFixed(3)} against a target of ${target.utilisation}`;
  } else {
    const p99 = view.recentWaitP99;
    const goal = target.queueWaitP99Ms;
    if (p99 !== undefined && p99 > goal) {
      to = Math.min(2 * size, Math.max(size + 1, Math.ceil((size * p99) / goal)));
    } else if (
      (p99 === undefined || p99 < goal / 2) &&
      metrics.queued === 0 &&
      metrics.utilisation * size <= size - 1
    ) {
      // Short waits and a worker's worth of idle time: one fewer would still keep up.
      to = size - 1;
    }
    detail = `queue wait p99 ${p99 === undefined ? 'n/a (no task started)' : `${p99.toFixed(1)} ms`} against a target of ${goal} ms`;
  }
  to = clamp(to, min, max);
  if (to === size) return undefined;
  return {
    from: size,
    to,
    because: 'utilisation' in target ? 'utilisation' : 'queue-wait',
    detail,
  };
}

/** What the autoscaler actor is started with. */
export interface AutoscalerInput {
  readonly sizing: SizingConfig;
  /** The pool's size now (live mode). */
  readonly sizeOf: () => number;
  /** Carries a decision out (or, in dry-run mode, only reports it). */
  readonly apply: (decision: ScaleDecision) => void;
}

/** Events the autoscaler takes: a metrics snapshot (with the recent queue-wait p99). */
export type AutoscalerEvent =
  | {
      type: 'metrics';
      metrics: PoolMetrics;
      recentWaitP99: number | undefined;
      /** The pool's bounds now (they move with `resize({ min, max })`); the input's when absent. */
      bounds?: { readonly min: number; readonly max: number };
    }
  | { type: 'scaled' };

export interface AutoscalerContext {
  readonly sizing: SizingConfig;
  readonly sizeOf: () => number;
  readonly apply: (decision: ScaleDecision) => void;
  /** Dry run: the size the pool would have had. */
  hypothetical: number;
  /** Dry run: since when the pool would have had idle workers and an empty queue. */
  idleSince: number | undefined;
}

/**
 * The autoscaler: on each metrics tick it asks the target policy (and, in dry-run mode, the
 * demand and idle rules, which a live pool applies at once itself) whether to resize, and after
 * a resize (its own, or the pool's on demand or idleness) it cools down for `cooldownMs` before
 * it decides again. Its own actor, fed a metrics snapshot every `metrics.intervalMs` by the
 * pool (see `Autoscaler`).
 */
export const autoscalerMachine = setup({
  types: {
    context: {} as AutoscalerContext,
    input: {} as AutoscalerInput,
    events: {} as AutoscalerEvent,
  },
  delays: {
    cooldown: ({ context }) => context.sizing.cooldownMs,
  },
  actions: {
    evaluate: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'metrics') return;
      const { sizing } = context;
      const { min, max } = event.bounds ?? sizing;
      const m = event.metrics;
      let decision: ScaleDecision | undefined;
      if (sizing.dryRun) {
        const size = context.hypothetical;
        const idle = m.queued === 0 && m.active < size;
        const idleSince = idle ? (context.idleSince ?? m.at) : undefined;
        const waiting = m.queued + m.waiting;
        if (waiting > 0 && size < max) {
          decision = {
            from: size,
            to: Math.min(max, size + waiting),
            because: 'demand',
            detail: `${waiting} tasks waiting`,
          };
        } else if (
          idleSince !== undefined &&
          m.at - idleSince >= sizing.idleTimeoutMs &&
          size > min
        ) {
          decision = {
            from: size,
            to: Math.max(min, m.active),
            because: 'idle',
            detail: `${size - m.active} workers idle for ${m.at - idleSince} ms`,
          };
        }
        decision ??=
          sizing.target === undefined
            ? undefined
            : decideTarget(sizing.target, {
                size,
                min,
                max,
                metrics: m,
                recentWaitP99: event.recentWaitP99,
              });
        enqueue.assign({
          idleSince: decision === undefined ? idleSince : undefined,
          hypothetical: decision?.to ?? size,
        });
      } else if (sizing.target !== undefined) {
        decision = decideTarget(sizing.target, {
          size: context.sizeOf(),
          min,
          max,
          metrics: m,
          recentWaitP99: event.recentWaitP99,
        });
      }
      if (decision === undefined) return;
      const chosen = decision;
      enqueue(() => context.apply(chosen));
      enqueue(raise({ type: 'scaled' }));
    }),
  },
}).createMachine({
  id: 'autoscaler',
  initial: 'watching',
  context: ({ input }) => ({
    sizing: input.sizing,
    sizeOf: input.sizeOf,
    apply: input.apply,
    hypothetical: input.sizing.min,
    idleSince: undefined,
  }),
  states: {
    watching: {
      on: {
        metrics: { actions: 'evaluate' },
        scaled: 'cooling',
      },
    },
    cooling: {
      after: { cooldown: 'watching' },
      on: { scaled: { target: 'cooling', reenter: true } },
    },
  },
});
