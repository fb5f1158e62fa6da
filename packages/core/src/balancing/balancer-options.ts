import { describeValue } from '../describe-value.js';
import { InvalidOptionError } from '../errors.js';
import {
  resolveHealthOptions,
  type HealthConfig,
  type HealthOptions,
} from '../health/health-options.js';
import { rejectUnknownOptions } from '../reject-unknown-options.js';
import type { TaskSink } from '../sink.js';
import type { Clock } from '../time/clock.js';
import { resolveClock } from '../time/resolve-clock.js';
import { keyHash } from './key-hash.js';
import { leastLoaded } from './least-loaded.js';
import { powerOfTwoChoices } from './power-of-two-choices.js';
import { roundRobin } from './round-robin.js';
import { STRATEGY_NAMES, type MemberView, type Strategy, type StrategyName } from './strategy.js';
import { weighted } from './weighted.js';

/** Options of `createBalancer`. */
export interface BalancerOptions<TInput, TOutput> {
  /**
   * Names the balancer in messages and snapshots.
   * @default 'balancer'
   */
  readonly name?: string;
  /** Its members: pools, balancers, any `TaskSink`; a record names them by its keys. */
  readonly pools:
    readonly TaskSink<TInput, TOutput>[] | Readonly<Record<string, TaskSink<TInput, TOutput>>>;
  /**
   * How a member is chosen: a built-in strategy's name, or a function of your own.
   * @default 'least-loaded'
   */
  readonly strategy?: StrategyName | Strategy;
  /**
   * For `strategy: 'weighted'` only: one weight ≥ 0 per member (an array in `pools` order, or a
   * record by member name; at least one > 0), or `'live'` for weights from live metrics.
   */
  readonly weights?: readonly number[] | Readonly<Record<string, number>> | 'live';
  /**
   * Most tasks the balancer holds while no member can take them.
   * @default 10_000
   */
  readonly capacity?: number;
  /**
   * When its queue is full: refuse the submit (`TaskRejected('queue-full')`), or let it wait for room.
   * @default 'reject'
   */
  readonly overflow?: 'reject' | 'wait';
  /**
   * Whether a running member may take tasks now, by your own rule. Asked of the member a strategy
   * chose, before a task goes there (a no leaves it out of that decision, and the strategy chooses
   * again); so keep it cheap. Call `recheck()` when its answer may have turned to `true`, so that
   * held tasks go at once. With `health` on, both must say yes.
   * @default every running member is available
   */
  readonly isAvailable?: (member: MemberView, index: number) => boolean;
  /**
   * Health checks: one `watchHealth` per member on the balancer's clock, with these thresholds
   * (`true`: the defaults). Tasks go only to members whose health admits them: healthy or degraded
   * ones, a trickle of probe tasks to one probing, a rising share to one ramping up after
   * recovering; none to an unhealthy one. Members are sampled every `intervalMs`.
   * @default off (no health checks)
   */
  readonly health?: boolean | HealthOptions;
  /**
   * Whether `close()` closes the members too (with the same options, once the balancer's own
   * queue has drained).
   * @default false
   */
  readonly owns?: boolean;
  /**
   * How often members' live figures are refreshed (each read again when a strategy next asks for
   * it), members refusing for a full queue are offered again, held tasks are retried, `metrics$`
   * emits and, with `health` on, every member's snapshot is sampled for its health, in ms.
   * @default 1000
   */
  readonly intervalMs?: number;
  /**
   * Random numbers in [0, 1) for `power-of-two-choices` (inject one for tests).
   * @default Math.random
   */
  readonly random?: () => number;
  /** @default systemClock */
  readonly clock?: Clock;
}

/** Options checked and filled in. */
export interface BalancerConfig<TInput, TOutput> {
  readonly name: string;
  readonly members: readonly { readonly name: string; readonly sink: TaskSink<TInput, TOutput> }[];
  readonly strategy: Strategy;
  readonly capacity: number;
  readonly overflow: 'reject' | 'wait';
  readonly isAvailable: ((member: MemberView, index: number) => boolean) | undefined;
  /** Health thresholds, or `undefined`: no health checks. */
  readonly health: HealthConfig | undefined;
  readonly owns: boolean;
  readonly intervalMs: number;
  readonly random: () => number;
  readonly clock: Clock;
}

const KNOWN = [
  'name',
  'pools',
  'strategy',
  'weights',
  'capacity',
  'overflow',
  'isAvailable',
  'health',
  'owns',
  'intervalMs',
  'random',
  'clock',
];

const SINK_METHODS = ['submit', 'run', 'submitMany', 'getSnapshot', 'onIdle', 'close'] as const;
const A_SINK = 'a pool or a balancer (a TaskSink: submit, run, submitMany, state$, getSnapshot, …)';

/** Checks `options` and fills in the defaults; throws `InvalidOptionError` naming the first bad one. */
export function resolveBalancerOptions<TInput, TOutput>(
  options: BalancerOptions<TInput, TOutput>,
): BalancerConfig<TInput, TOutput> {
  if (typeof options !== 'object' || options === null)
    throw new InvalidOptionError('options', options, 'an object { pools, strategy?, … }');
  rejectUnknownOptions('', options, KNOWN);
  const name = options.name ?? 'balancer';
  if (typeof name !== 'string' || name.length === 0)
    throw new InvalidOptionError('name', name, 'a non-empty string');
  const members = resolveMembers(options.pools);
  const capacity = options.capacity ?? 10_000;
  if (
    typeof capacity !== 'number' ||
    !(capacity === Infinity || (Number.isInteger(capacity) && capacity >= 0))
  )
    throw new InvalidOptionError('capacity', capacity, 'a whole number >= 0, or Infinity');
  const overflow = options.overflow ?? 'reject';
  if (overflow !== 'reject' && overflow !== 'wait')
    throw new InvalidOptionError('overflow', overflow, "'reject' or 'wait'");
  const { isAvailable, random = Math.random, owns = false, intervalMs = 1000 } = options;
  if (isAvailable !== undefined && typeof isAvailable !== 'function')
    throw new InvalidOptionError(
      'isAvailable',
      isAvailable,
      'a function (member, index) => boolean',
    );
  if (typeof random !== 'function')
    throw new InvalidOptionError('random', random, 'a function returning a number in [0, 1)');
  if (typeof owns !== 'boolean') throw new InvalidOptionError('owns', owns, 'true or false');
  if (typeof intervalMs !== 'number' || !(intervalMs > 0 && intervalMs < Infinity))
    throw new InvalidOptionError('intervalMs', intervalMs, 'a finite number > 0 (milliseconds)');
  const clock = resolveClock(options.clock);
  const health = resolveHealth(options.health);
  const strategy = resolveStrategy(
    options.strategy,
    options.weights,
    members.map((m) => m.name),
  );
  return {
    name,
    members,
    strategy,
    capacity,
    overflow,
    isAvailable,
    health,
    owns,
    intervalMs,
    random,
    clock,
  };
}

/** `health`: `true` is the defaults, `false` or nothing is off, an object is thresholds (`health.*`). */
function resolveHealth(
  health: BalancerOptions<unknown, unknown>['health'],
): HealthConfig | undefined {
  if (health === undefined || health === false) return undefined;
  if (health === true) return resolveHealthOptions({}, 'health');
  if (typeof health !== 'object' || health === null)
    throw new InvalidOptionError(
      'health',
      health,
      'true (the default thresholds), false, or thresholds { maxErrorRate?, maxP99Ms?, windowMs?, … }',
    );
  return resolveHealthOptions(health, 'health');
}

function resolveMembers<TInput, TOutput>(
  pools: BalancerOptions<TInput, TOutput>['pools'] | undefined,
): BalancerConfig<TInput, TOutput>['members'] {
  const allowed = `a non-empty array of pools, or a record name → pool (each ${A_SINK})`;
  if (typeof pools !== 'object' || pools === null)
    throw new InvalidOptionError('pools', pools, allowed);
  const entries = Array.isArray(pools)
    ? (pools as readonly TaskSink<TInput, TOutput>[]).map(
        (sink, i) => [`pools[${i}]`, sink] as const,
      )
    : Object.entries(pools).map(([key, sink]) => [`pools.${key}`, sink] as const);
  if (entries.length === 0) throw new InvalidOptionError('pools', pools, allowed);
  const seen = new Set<string>();
  const sinks = new Set<unknown>();
  return entries.map(([path, sink], i) => {
    if (
      typeof sink !== 'object' ||
      sink === null ||
      SINK_METHODS.some(
        (m) => typeof (sink as unknown as Record<string, unknown>)[m] !== 'function',
      ) ||
      typeof sink.state$?.subscribe !== 'function'
    )
      throw new InvalidOptionError(path, sink, A_SINK);
    if (sinks.has(sink))
      throw new InvalidOptionError(path, sink, 'a member given once (this one is listed twice)');
    sinks.add(sink);
    // Pools named alike (every pool is 'pool' unless named) are told apart by their index;
    // key-hash places members by name, so name them for keys to stay put when members change.
    const own = Array.isArray(pools) ? sink.name : Object.keys(pools)[i]!;
    const name = seen.has(own) ? `${own}#${i}` : own;
    seen.add(name);
    return { name, sink };
  });
}

function resolveStrategy(
  given: StrategyName | Strategy | undefined,
  weights: BalancerOptions<unknown, unknown>['weights'],
  names: readonly string[],
): Strategy {
  const strategy = given ?? 'least-loaded';
  if (weights !== undefined && strategy !== 'weighted')
    throw new InvalidOptionError(
      'weights',
      weights,
      `only with strategy: 'weighted' (strategy is ${typeof strategy === 'function' ? 'a function' : describeValue(strategy)})`,
    );
  if (typeof strategy === 'function') return strategy;
  switch (strategy) {
    case 'round-robin':
      return roundRobin();
    case 'least-loaded':
      return leastLoaded();
    case 'power-of-two-choices':
      return powerOfTwoChoices();
    case 'key-hash':
      return keyHash();
    case 'weighted':
      return weighted(resolveWeights(weights, names));
    default:
      throw new InvalidOptionError(
        'strategy',
        strategy,
        `one of ${STRATEGY_NAMES.map((s) => `'${s}'`).join(', ')}, or a function (members, task, state) => index`,
      );
  }
}

function resolveWeights(
  weights: BalancerOptions<unknown, unknown>['weights'],
  names: readonly string[],
): readonly number[] | 'live' {
  const allowed = `one weight >= 0 per member (${names.length}: ${names.join(', ')}), at least one > 0, as an array in pools order or a record name → weight; or 'live'`;
  if (weights === 'live') return weights;
  if (typeof weights !== 'object' || weights === null)
    throw new InvalidOptionError('weights', weights, allowed);
  const isArray = Array.isArray(weights);
  const list: number[] = isArray
    ? [...(weights as readonly number[])]
    : names.map((n) => (weights as Record<string, number>)[n] ?? Number.NaN);
  if (isArray && list.length !== names.length)
    throw new InvalidOptionError('weights', weights, allowed);
  if (!isArray) {
    const unknown = Object.keys(weights).find((k) => !names.includes(k));
    if (unknown !== undefined)
      throw new InvalidOptionError(
        `weights.${unknown}`,
        (weights as Record<string, number>)[unknown],
        `a member's name: ${names.join(', ')}`,
      );
  }
  list.forEach((w, i) => {
    if (typeof w !== 'number' || !(w >= 0 && w < Infinity))
      throw new InvalidOptionError(
        isArray ? `weights[${i}]` : `weights.${names[i]}`,
        isArray ? w : (weights as Record<string, unknown>)[names[i]!],
        'a finite number >= 0',
      );
  });
  if (!list.some((w) => w > 0)) throw new InvalidOptionError('weights', weights, allowed);
  return list;
}
