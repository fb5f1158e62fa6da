import { Subject, Subscription, type Observable } from 'rxjs';
import { createActor, type Actor } from 'xstate';
import { InvalidOptionError } from '../errors.js';
import { isOk } from '../result.js';
import type { TaskSink } from '../sink.js';
import { systemClock, type Clock } from '../time/clock.js';
import { unrefTimers } from '../time/unref-timers.js';
import { healthMachine, type HealthChange, type HealthState } from './health-machine.js';
import { resolveHealthOptions, type HealthConfig, type HealthOptions } from './health-options.js';
import { judgeWindow } from './judge-window.js';
import { progressAt, windowBetween, type WindowFigures } from './window-between.js';

/** What `watchHealth` watches: any sink (a pool, a balancer) has these. */
export type HealthSource = Pick<TaskSink<unknown, unknown>, 'metrics$' | 'results$' | 'capacity'>;

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
 * every `windowMs` of its `metrics$` (the first one starts at its first emission) and has the
 * machine judge it; while probing, each task outcome on `results$` is a probe result. The seam a
 * balancer routes through (`admits()`).
 *
 * The machine is started on the first bad window: until then the sink is `healthy` and a good
 * window changes nothing the machine shows, so a watch over a sink that stays healthy costs a
 * window's arithmetic and no actor (a balancer runs one watch per member, thousands of them).
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
  return watchResolved(sink, resolveHealthOptions(thresholds), clock, random);
}

/** `watchHealth` with thresholds already checked (a balancer checks them once for all its members). */
export function watchResolved(
  sink: HealthSource,
  config: HealthConfig,
  clock: Clock,
  random: () => number,
): HealthWatch {
  const health$ = new Subject<HealthTransition>();
  let actor: Actor<typeof healthMachine> | undefined;
  let stopped = false;
  let probesLet = 0;
  let probes: Subscription | undefined;

  /** The machine, started when first needed. */
  const machine = (): Actor<typeof healthMachine> => {
    if (actor !== undefined) return actor;
    const started = createActor(healthMachine, { input: config, clock: unrefTimers(clock) });
    actor = started;
    started.on('health.changed', (change) => {
      if (change.to === 'probing') {
        probesLet = 0;
        probes = sink.results$.subscribe((outcome) => {
          started.send({ type: 'probe.result', ok: isOk(outcome.result) });
        });
      } else if (change.from === 'probing') {
        // Not from inside the emission: the probe result that got us here is still being handled.
        const ending = probes;
        probes = undefined;
        queueMicrotask(() => ending?.unsubscribe());
      }
      health$.next({ ...change, at: clock.now() });
    });
    return started.start();
  };

  // Copies, not the snapshots: a watch keeps no snapshot alive (thousands of watches would make
  // every young-generation collection copy thousands of them).
  let base: Figures | undefined;
  let last: Figures | undefined;
  let lastProgressAt = 0;
  // A closed sink's metrics$ completes at once, inside subscribe: `stop` may run before this returns.
  const feed = new Subscription();
  const feeding = sink.metrics$.subscribe({
    next: (metrics) => {
      if (base === undefined || last === undefined) {
        base = keep(metrics);
        last = keep(metrics);
        lastProgressAt = metrics.at;
        return;
      }
      lastProgressAt = progressAt(last, metrics, lastProgressAt);
      keep(metrics, last);
      if (metrics.at - base.at < config.windowMs) return;
      const window = windowBetween(base, metrics, sink.capacity, lastProgressAt);
      keep(metrics, base);
      if (actor === undefined && !judgeWindow(config, window).bad) return;
      machine().send({ type: 'sample', window });
    },
    complete: () => stop(),
  });
  feed.add(feeding);

  const topState = (): HealthState => {
    if (actor === undefined) return 'healthy';
    const value = actor.getSnapshot().value;
    return (typeof value === 'string' ? value : Object.keys(value)[0]) as HealthState;
  };
  const share = (): number => actor?.getSnapshot().context.admitFraction ?? 1;

  function stop(): void {
    if (stopped) return;
    stopped = true;
    feed.unsubscribe();
    probes?.unsubscribe();
    actor?.stop();
    health$.complete();
  }

  return {
    health$: health$.asObservable(),
    get state() {
      return topState();
    },
    get admitFraction() {
      return share();
    },
    admits() {
      const state = topState();
      if (state === 'probing') {
        if (probesLet >= config.probeTasks) return false;
        probesLet++;
        return true;
      }
      const fraction = share();
      return fraction >= 1 || (fraction > 0 && random() < fraction);
    },
    stop,
  };
}

/** The figures of a snapshot a window needs, copied into a record of its own. */
type Figures = { -readonly [K in keyof WindowFigures]: K extends 'latency' ? Latency : number };
type Latency = { -readonly [K in keyof WindowFigures['latency']]: number };

/** Copies `from`'s window figures into `into` (a new record when none is given). */
function keep(from: WindowFigures, into?: Figures): Figures {
  const { latency } = from;
  into ??= {
    at: 0,
    completed: 0,
    failed: 0,
    crashed: 0,
    timedOut: 0,
    queued: 0,
    waiting: 0,
    latency: { count: 0, p50: 0, p90: 0, p99: 0, max: 0 },
  };
  into.at = from.at;
  into.completed = from.completed;
  into.failed = from.failed;
  into.crashed = from.crashed;
  into.timedOut = from.timedOut;
  into.queued = from.queued;
  into.waiting = from.waiting;
  const kept = into.latency;
  kept.count = latency.count;
  kept.p50 = latency.p50;
  kept.p90 = latency.p90;
  kept.p99 = latency.p99;
  kept.max = latency.max;
  return into;
}
