import fc from 'fast-check';
import type {
  AnyPoolEntry,
  BalancerEntry,
  StrategyName,
  SystemSpec,
  WorkerSpec,
} from '@troupe/core';
import { arbPoolOptions, type PoolOptionsConstraints } from './arb-pool-options.js';

/** How {@link arbSystemSpec} draws. */
export interface SystemSpecConstraints {
  /**
   * The worker of every pool.
   * @default an echo: `(input) => input`
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any input (contravariant)
  readonly worker?: WorkerSpec<any, unknown>;
  /** @default 3 */
  readonly maxPools?: number;
  /** @default 2 */
  readonly maxBalancers?: number;
  /** @default 2 */
  readonly maxPipelines?: number;
  /** How each pool's options are drawn (never batch pools: their worker takes arrays). */
  readonly pool?: Omit<PoolOptionsConstraints, 'batch'>;
}

const STRATEGIES: readonly StrategyName[] = [
  'round-robin',
  'weighted',
  'least-loaded',
  'power-of-two-choices',
  'key-hash',
];

const echo = (input: unknown): unknown => input;

/** A non-empty selection of `names`, each once, in an order of its own. */
const someOf = (names: readonly string[]): fc.Arbitrary<string[]> =>
  fc.shuffledSubarray([...names], { minLength: 1 });

function balancerEntry(members: readonly string[]): fc.Arbitrary<BalancerEntry> {
  return fc
    .record({
      pools: someOf(members),
      strategy: fc.constantFrom(...STRATEGIES),
      live: fc.boolean(),
      capacity: fc.constantFrom(undefined, 0, 10, 10_000),
      overflow: fc.constantFrom(undefined, 'reject' as const, 'wait' as const),
      intervalMs: fc.constantFrom(undefined, 10, 1_000),
      health: fc.constantFrom(undefined, true, false),
    })
    .map(({ pools, strategy, live, capacity, overflow, intervalMs, health }) => ({
      pools,
      strategy,
      // Weighted needs weights: live ones, or one per member (the first > 0).
      ...(strategy === 'weighted'
        ? { weights: live ? ('live' as const) : pools.map((_, i) => (i === 0 ? 2 : i % 2)) }
        : {}),
      ...(capacity === undefined ? {} : { capacity }),
      ...(overflow === undefined ? {} : { overflow }),
      ...(intervalMs === undefined ? {} : { intervalMs }),
      ...(health === undefined ? {} : { health }),
    }));
}

/** Balancers `b1`, `b2`, … each over pools and earlier balancers (so never a cycle). */
function balancers(
  pools: readonly string[],
  count: number,
): fc.Arbitrary<Record<string, BalancerEntry>> {
  let entries: fc.Arbitrary<[string, BalancerEntry][]> = fc.constant([]);
  for (let i = 1; i <= count; i++) {
    const earlier = Array.from({ length: i - 1 }, (_, k) => `b${k + 1}`);
    entries = entries.chain((done) =>
      balancerEntry([...pools, ...earlier]).map((entry) => [...done, [`b${i}`, entry]]),
    );
  }
  return entries.map((list) => Object.fromEntries(list));
}

/**
 * Valid system specs — every value passes `validateSpec` and `createSystem` (the test kit's
 * property tests check it): pools `p1`, `p2`, … with options from {@link arbPoolOptions},
 * balancers `b1`, … over pools and earlier balancers with every strategy, pipelines `l1`, …
 * through pools and balancers, and the system's supervision. Add `clock` (and `random`) to
 * run one.
 */
export function arbSystemSpec(constraints: SystemSpecConstraints = {}): fc.Arbitrary<SystemSpec> {
  const { maxPools = 3, maxBalancers = 2, maxPipelines = 2 } = constraints;
  const worker: unknown = constraints.worker ?? echo;
  const poolOptions = arbPoolOptions({ ...constraints.pool, batch: 'never' });
  return fc
    .record({
      pools: fc.array(poolOptions, { minLength: 1, maxLength: maxPools }),
      balancerCount: fc.integer({ min: 0, max: maxBalancers }),
      pipelineCount: fc.integer({ min: 0, max: maxPipelines }),
    })
    .chain(({ pools, balancerCount, pipelineCount }) => {
      const poolNames = pools.map((_, i) => `p${i + 1}`);
      const entries: Record<string, AnyPoolEntry> = {};
      pools.forEach((o, i) => {
        entries[`p${i + 1}`] = { ...o, worker: worker as AnyPoolEntry['worker'] };
      });
      return balancers(poolNames, balancerCount).chain((bs) => {
        const sinks = [...poolNames, ...Object.keys(bs)];
        return fc
          .record(
            {
              pipelines: fc
                .array(someOf(sinks), { minLength: pipelineCount, maxLength: pipelineCount })
                .map((lists) =>
                  Object.fromEntries(lists.map((stages, i) => [`l${i + 1}`, stages])),
                ),
              supervision: fc.record(
                {
                  strategy: fc.constantFrom('one-for-one', 'one-for-all', 'rest-for-one'),
                  maxRestarts: fc.integer({ min: 0, max: 4 }),
                  withinMs: fc.constantFrom(1_000, 60_000),
                  backoff: fc.record({
                    minMs: fc.constantFrom(0, 10, 100),
                    maxMs: fc.constantFrom(100, 1_000),
                    jitter: fc.constantFrom(0, 0.2),
                  }),
                },
                { requiredKeys: [] },
              ),
              metrics: fc.record({ intervalMs: fc.constantFrom(10, 1_000) }),
            },
            { requiredKeys: [] },
          )
          .map((rest): SystemSpec => ({
            pools: entries,
            ...(balancerCount > 0 ? { balancers: bs } : {}),
            ...(rest.pipelines !== undefined && pipelineCount > 0
              ? { pipelines: rest.pipelines }
              : {}),
            ...(rest.supervision === undefined ? {} : { supervision: rest.supervision }),
            ...(rest.metrics === undefined ? {} : { metrics: rest.metrics }),
          }));
      });
    });
}
