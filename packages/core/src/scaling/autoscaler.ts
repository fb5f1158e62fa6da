import { createActor, type Actor, type InspectionEvent, type Observer } from 'xstate';
import type { Clock } from '../time/clock.js';
import type { Engine } from '../engine/engine.js';
import type { PoolConfig } from '../pool/options.js';
import type { PoolState } from '../pool/pool-events.js';
import { autoscalerMachine, type ScaleDecision } from './autoscaler-machine.js';

/** An XState inspection observer, as `createPool({ inspect })` takes it. */
type AutoscalerInspect = Observer<InspectionEvent> | ((event: InspectionEvent) => void);

/**
 * Runs a dynamic pool's autoscaler actor while the pool is starting or running: feeds it a
 * metrics snapshot every `metrics.intervalMs` (with the queue-wait p99 since the previous one)
 * and carries out what it decides, or only reports it in dry-run mode. Its timer does not keep
 * the process alive.
 */
export class Autoscaler {
  /** The autoscaler actor of the pool's current life (a new one each start). */
  actor: Actor<typeof autoscalerMachine> | undefined = undefined;
  #timer: unknown = undefined;
  /** The pool's clock, with timers that do not keep the process alive (the cooldown's too). */
  readonly #clock: Clock;

  constructor(
    private readonly config: PoolConfig<unknown, unknown>,
    private readonly dispatcher: Engine,
    private readonly inspect: AutoscalerInspect | undefined,
  ) {
    const clock = config.clock;
    this.#clock = {
      now: () => clock.now(),
      setTimeout: (callback, delayMs) => {
        const timer = clock.setTimeout(callback, delayMs);
        (timer as { unref?: () => void } | undefined)?.unref?.();
        return timer;
      },
      clearTimeout: (timer) => clock.clearTimeout(timer),
    };
    // A resize on demand or for idleness restarts the cooldown too: the target policy does not
    // undo it on the next tick from figures that predate it.
    dispatcher.events$.subscribe((event) => {
      if ((event.type === 'scale.up' || event.type === 'scale.down') && !event.dryRun) {
        if (event.because === 'demand' || event.because === 'idle') {
          queueMicrotask(() => this.actor?.send({ type: 'scaled' }));
        }
      }
    });
  }

  /** Starts with the pool (starting, running) and stops with it, cooldown timer and all. */
  follow(state: PoolState): void {
    const active = state === 'starting' || state === 'running';
    if (active && this.actor === undefined) {
      const { config, dispatcher } = this;
      this.actor = createActor(autoscalerMachine, {
        id: `${config.name}-autoscaler`,
        clock: this.#clock,
        ...(this.inspect === undefined ? {} : { inspect: this.inspect }),
        input: {
          sizing: config.sizing!,
          sizeOf: () => dispatcher.growth!.target,
          apply: (decision) => this.#apply(decision),
        },
      }).start();
      this.#schedule();
    } else if (!active && this.actor !== undefined) {
      this.config.clock.clearTimeout(this.#timer);
      this.#timer = undefined;
      this.actor.stop();
      this.actor = undefined;
    }
  }

  #schedule(): void {
    this.#timer = this.#clock.setTimeout(() => this.#tick(), this.config.intervalMs);
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
    // Paused, the queue grows because nothing starts, not for want of workers: no decision.
    if (!d.controls.isPaused)
      this.actor?.send({ type: 'metrics', metrics: m.snapshot(now), recentWaitP99 });
    this.#schedule();
  }

  /** Called from within the autoscaler's action: the pool actor is told once that has run. */
  #apply(decision: ScaleDecision): void {
    queueMicrotask(() => this.#carryOut(decision));
  }

  #carryOut(decision: ScaleDecision): void {
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
    this.dispatcher.growth?.onScale?.(decision);
  }
}
