import { Subject, Subscription, type Observable } from 'rxjs';
import { createActor, type Actor } from 'xstate';
import { InvalidOptionError } from '../errors.js';
import { isOk } from '../result.js';
import type { TaskSink } from '../sink.js';
import { systemClock, type Clock } from '../time/clock.js';
import { unrefTimers } from '../time/unref-timers.js';
import { healthMachine, type HealthChange, type HealthState } from './health-machine.js';
import { resolveHealthOptions, type HealthOptions } from './health-options.js';
import { progressAt, windowBetween } from './window-between.js';

/** What `watchHealth` watches: any sink (a pool, a balancer) has these. */
export type HealthSource = Pick<
  TaskSink<unknown, unknown>,
  'metrics$' | 'results$' | 'getSnapshot' | 'capacity'
>;

/** The thresholds, and the clock and chance the watch runs on. */
export interface WatchHealthOptions extends HealthOptions {
  /**
   * The clock of the health machine's timers (probing, slow start): the sink's own.
   * @default systemClock
   */
  readonly clock?: Clock;
  /**
   * Source of the slow-start draw in `admits()`; fix it to make routing reproducible.
   * @default Math.random
   */
  readonly random?: () => number;
}

/** A change of health, with the clock time it happened at. */
export interface HealthTransition extends HealthChange {
  readonly at: number;
}

/** A running health watch over one sink. */
export interface HealthWatch {
  /** Every change of state, with its reason. Completes when the watch stops or the sink closes. */
  readonly health$: Observable<HealthTransition>;
  /** The state now. */
  readonly state: HealthState;
  /** Share of traffic let through now (0..1); see `HealthContext.admitFraction`. */
  readonly admitFraction: number;
  /**
   * Whether a task may be routed to the sink now: always when healthy or degraded, never when
   * unhealthy, the first `probeTasks` calls while probing, and a `random()` draw under the
   * slow-start share while traffic ramps up.
   */
  admits(): boolean;
  /** Stops watching: the machine and its timers stop, `health$` completes. Idempotent. */
  stop(): void;
}

/**
 * Watches a sink's health: runs a {@link healthMachine} actor on the sink's clock, closes a window
 * every `windowMs` of its `metrics$` and has the machine judge it; while probing, each task
 * outcome on `results$` is a probe result. The seam a balancer routes through (`admits()`).
 *
 * @example
 * const health = watchHealth(pool, { maxErrorRate: 0.2, windowMs: 5_000, clock });
 * health.health$.subscribe(({ from, to, reason }) => console.log(`${from} → ${to}: ${reason}`));
 * if (health.admits()) await pool.run(input);
 */
export function watchHealth(sink: HealthSource, options: WatchHealthOptions = {}): HealthWatch {
  const { clock = systemClock, random = Math.random, ...thresholds } = options;
  if (typeof random !== 'function') {
    throw new InvalidOptionError('random', random, 'a function returning a number in [0, 1)');
  }
  const config = resolveHealthOptions(thresholds);
  const health$ = new Subject<HealthTransition>();
  const actor: Actor<typeof healthMachine> = createActor(healthMachine, {
    input: config,
    clock: unrefTimers(clock),
  });
  let stopped = false;
  let probesLet = 0;
  let probes: Subscription | undefined;

  actor.on('health.changed', (change) => {
    if (change.to === 'probing') {
      probesLet = 0;
      probes = sink.results$.subscribe((outcome) => {
        actor.send({ type: 'probe.result', ok: isOk(outcome.result) });
      });
    } else if (change.from === 'probing') {
      // Not from inside the emission: the probe result that got us here is still being handled.
      const ending = probes;
      probes = undefined;
      queueMicrotask(() => ending?.unsubscribe());
    }
    health$.next({ ...change, at: clock.now() });
  });
  actor.start();

  let base = sink.getSnapshot().metrics;
  let last = base;
  let lastProgressAt = base.at;
  // A closed sink's metrics$ completes at once, inside subscribe: `stop` may run before this returns.
  const feed = new Subscription();
  const feeding = sink.metrics$.subscribe({
    next: (metrics) => {
      lastProgressAt = progressAt(last, metrics, lastProgressAt);
      last = metrics;
      if (metrics.at - base.at < config.windowMs) return;
      const window = windowBetween(base, metrics, sink.capacity, lastProgressAt);
      base = metrics;
      actor.send({ type: 'sample', window });
    },
    complete: () => stop(),
  });
  feed.add(feeding);

  const topState = (): HealthState => {
    const value = actor.getSnapshot().value;
    return (typeof value === 'string' ? value : Object.keys(value)[0]) as HealthState;
  };

  function stop(): void {
    if (stopped) return;
    stopped = true;
    feed.unsubscribe();
    probes?.unsubscribe();
    actor.stop();
    health$.complete();
  }

  return {
    health$: health$.asObservable(),
    get state() {
      return topState();
    },
    get admitFraction() {
      return actor.getSnapshot().context.admitFraction;
    },
    admits() {
      const state = topState();
      if (state === 'probing') {
        if (probesLet >= config.probeTasks) return false;
        probesLet++;
        return true;
      }
      const share = actor.getSnapshot().context.admitFraction;
      return share >= 1 || (share > 0 && random() < share);
    },
    stop,
  };
}
