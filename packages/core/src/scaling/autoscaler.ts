import { createActor, type Actor, type InspectionEvent, type Observer } from 'xstate';
import type { Clock } from '../time/clock.js';
import type { SizingConfig } from './sizing-options.js';
import type { ScalingPort } from './scaling-port.js';
import { autoscalerMachine, type ScaleDecision } from './autoscaler-machine.js';

/** What an autoscaler is made with, besides its pool. */
export interface AutoscalerOptions {
  /** The pool's name: the actor is `<name>-autoscaler`. */
  readonly name: string;
  readonly sizing: SizingConfig;
  /** How often it looks at the pool's figures (`metrics.intervalMs`). */
  readonly intervalMs: number;
  readonly clock: Clock;
  /** An XState inspection observer, as `createPool({ inspect })` takes it. */
  readonly inspect: Observer<InspectionEvent> | ((event: InspectionEvent) => void) | undefined;
}

/**
 * Runs a dynamic pool's autoscaler actor while the pool is starting or running: feeds it the
 * pool's figures every `metrics.intervalMs` (with the queue-wait p99 since the previous look)
 * and carries out what it decides, or only reports it in dry-run mode. It knows the pool only
 * through a `ScalingPort`. Its timer does not keep the process alive.
 */
export class Autoscaler {
  /** The autoscaler actor of the pool's current life (a new one each start). */
  actor: Actor<typeof autoscalerMachine> | undefined = undefined;
  #timer: unknown = undefined;
  /** The pool's clock, with timers that do not keep the process alive (the cooldown's too). */
  readonly #clock: Clock;

  constructor(
    private readonly options: AutoscalerOptions,
    private readonly pool: ScalingPort,
  ) {
    const clock = options.clock;
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
    // undo it on the next tick from figures that predate it. (Its own resizes cool it already.)
    pool.scaled$.subscribe((because) => {
      if (because === 'demand' || because === 'idle') {
        queueMicrotask(() => this.actor?.send({ type: 'scaled' }));
      }
    });
  }

  /** Runs while the pool is active (starting, running); stops, cooldown timer and all, when not. */
  follow(active: boolean): void {
    if (active && this.actor === undefined) {
      const { options, pool } = this;
      this.actor = createActor(autoscalerMachine, {
        id: `${options.name}-autoscaler`,
        clock: this.#clock,
        ...(options.inspect === undefined ? {} : { inspect: options.inspect }),
        input: {
          sizing: options.sizing,
          sizeOf: () => pool.size(),
          apply: (decision) => this.#apply(decision),
        },
      }).start();
      this.#schedule();
    } else if (!active && this.actor !== undefined) {
      this.options.clock.clearTimeout(this.#timer);
      this.#timer = undefined;
      this.actor.stop();
      this.actor = undefined;
    }
  }

  #schedule(): void {
    this.#timer = this.#clock.setTimeout(() => this.#tick(), this.options.intervalMs);
  }

  #tick(): void {
    const sample = this.pool.sample(this.options.clock.now());
    // Paused, the pool gives no sample: no decision on a queue that waits for `resume()`.
    if (sample !== undefined) this.actor?.send({ type: 'metrics', ...sample });
    this.#schedule();
  }

  /** Called from within the autoscaler's action: the pool is told once that has run. */
  #apply(decision: ScaleDecision): void {
    queueMicrotask(() => {
      if (this.options.sizing.dryRun) this.pool.report(decision);
      else this.pool.scale(decision);
    });
  }
}
