import { createActor, type Actor } from 'xstate';
import type { Dispatcher } from '../pool/dispatcher.js';
import type { PoolConfig } from '../pool/options.js';
import type { PoolState } from '../pool/pool-events.js';
import { autoscalerMachine, type ScaleDecision } from './autoscaler-machine.js';

/**
 * Runs a dynamic pool's autoscaler actor while the pool is starting or running: feeds it a
 * metrics snapshot every `metrics.intervalMs` (with the queue-wait p99 since the previous one)
 * and carries out what it decides, or only reports it in dry-run mode. Its timer does not keep
 * the process alive.
 */
export class Autoscaler {
  readonly actor: Actor<typeof autoscalerMachine>;
  #timer: unknown = undefined;

  constructor(
    private readonly config: PoolConfig<unknown, unknown>,
    private readonly dispatcher: Dispatcher<unknown, unknown>,
  ) {
    const sizing = config.sizing!;
    this.actor = createActor(autoscalerMachine, {
      id: `${config.name}-autoscaler`,
      clock: config.clock,
      input: {
        sizing,
        sizeOf: () => dispatcher.sizeTarget,
        apply: (decision) => this.#apply(decision),
      },
    });
  }

  /** Starts or stops with the pool's lifecycle. */
  follow(state: PoolState): void {
    const active = state === 'starting' || state === 'running';
    if (active && this.#timer === undefined) {
      if (this.actor.getSnapshot().status !== 'active') this.actor.start();
      this.#schedule();
    } else if (!active && this.#timer !== undefined) {
      this.config.clock.clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  #schedule(): void {
    const { clock, intervalMs } = this.config;
    const timer = clock.setTimeout(() => this.#tick(), intervalMs);
    (timer as { unref?: () => void } | undefined)?.unref?.();
    this.#timer = timer;
  }

  #tick(): void {
    const d = this.dispatcher;
    const m = d.metrics;
    const now = this.config.clock.now();
    const recent = m.recentWait;
    let recentWaitP99: number | undefined;
    if (recent !== undefined) {
      const p = recent.percentiles();
      recentWaitP99 = p.count === 0 ? undefined : p.p99;
      recent.reset();
    }
    this.actor.send({ type: 'metrics', metrics: m.snapshot(now), recentWaitP99 });
    this.#schedule();
  }

  #apply(decision: ScaleDecision): void {
    if (this.config.sizing!.dryRun) {
      const { from, to, because, detail } = decision;
      this.dispatcher.events$.next({
        type: to > from ? 'scale.up' : 'scale.down',
        from,
        to,
        because,
        detail,
        dryRun: true,
      });
      return;
    }
    this.dispatcher.onScale?.(decision);
  }
}
