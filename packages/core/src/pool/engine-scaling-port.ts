import { filter, map } from 'rxjs';
import type { ScaleDecision } from '../scaling/autoscaler-machine.js';
import type { ScalingPort } from '../scaling/scaling-port.js';
import { Autoscaler } from '../scaling/autoscaler.js';
import type { PoolConfig } from './options.js';
import type { PoolActorRef, PoolParts } from './pool-parts.js';
import type { PoolEngine, ScaleRequest } from './pool-engine.js';
import type { PoolEvent } from './pool-events.js';

type ScaleEvent = Extract<PoolEvent, { type: 'scale.up' | 'scale.down' }>;

/**
 * The autoscaler's view of a pool, wired from its engine: the size the pool machine aims for,
 * the engine's figures, `resize` to carry a decision out (the pool machine tells `events$`),
 * and the engine's `events$` for dry-run reports and for the resizes the pool made itself.
 */
export function engineScalingPort(
  engine: Pick<
    PoolEngine<unknown, unknown>,
    'sizeTarget' | 'isPaused' | 'metrics' | 'events$' | 'bounds'
  >,
  resize: (decision: ScaleDecision) => void,
): ScalingPort {
  const metrics = engine.metrics;
  return {
    size: () => engine.sizeTarget,
    sample: (now) => {
      const recent = metrics.recentWait;
      let recentWaitP99: number | undefined;
      if (recent !== undefined) {
        const p = recent.percentiles();
        recentWaitP99 = p.count === 0 ? undefined : p.p99;
        recent.reset();
      }
      if (engine.isPaused) return undefined;
      return { metrics: metrics.snapshot(now), recentWaitP99, bounds: engine.bounds! };
    },
    scale: resize,
    report: ({ from, to, because, detail }) =>
      engine.events$.next({
        type: to > from ? 'scale.up' : 'scale.down',
        from,
        to,
        because,
        detail,
        dryRun: true,
      }),
    scaled$: engine.events$.pipe(
      filter(
        (event): event is ScaleEvent =>
          (event.type === 'scale.up' || event.type === 'scale.down') && !event.dryRun,
      ),
      map((event) => event.because),
    ),
  };
}

/**
 * Lets a pool resize itself: the engine's requests (demand, idleness) go to the pool machine as
 * `pool.resize`, and so do the decisions of an autoscaler, made here when the sizing asks for one
 * (a `target`, or `dryRun`). Returns that autoscaler.
 */
export function scaleItself<TInput, TOutput>(
  config: PoolConfig<TInput, TOutput>,
  engine: PoolEngine<TInput, TOutput>,
  actor: PoolActorRef,
  inspect: PoolParts<unknown, unknown>['inspect'],
): Autoscaler | undefined {
  const resizeItself = ({ to, because, detail, retire }: ScaleRequest): void => {
    actor.send({
      type: 'pool.resize',
      size: to,
      because,
      detail,
      ...(retire === undefined ? {} : { retire }),
    });
  };
  const sizing = config.sizing;
  if (sizing === undefined) return undefined;
  engine.onScale = resizeItself;
  if (sizing.target === undefined && !sizing.dryRun) return undefined;
  const { name, intervalMs, clock } = config;
  return new Autoscaler(
    { name, sizing, intervalMs, clock, inspect },
    engineScalingPort(engine, resizeItself),
  );
}
