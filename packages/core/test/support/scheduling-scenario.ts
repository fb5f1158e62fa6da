/**
 * Random scenarios for the combined scheduling property: a pool configuration (queue, size,
 * rate, retry, timeout) and a workload of steps to play against it on the virtual clock.
 */
import fc from 'fast-check';
import type { DynamicSize, QueueOptions, RateOptions, RetryOptions } from '@troupe/core';

/** What a worker does with a job: return or throw after `ms` (at once for 0), or never settle. */
export type Job =
  { readonly kind: 'ok' | 'throw'; readonly ms: number } | { readonly kind: 'hang' };

export type Step =
  | { readonly op: 'advance'; readonly ms: number }
  | {
      readonly op: 'submit';
      readonly job: Job;
      readonly priority: number | undefined;
      readonly signal: boolean;
    }
  | { readonly op: 'submitMany'; readonly jobs: readonly Job[] }
  | { readonly op: 'abort'; readonly which: number }
  | { readonly op: 'resize'; readonly size: number };

export interface Config {
  readonly queue: QueueOptions;
  readonly size: number | Required<Omit<DynamicSize, 'target' | 'dryRun'>>;
  readonly target: DynamicSize['target'];
  readonly intervalMs: number;
  readonly rate: RateOptions | undefined;
  readonly retry: RetryOptions | undefined;
  readonly timeoutMs: number | undefined;
  /** Tasks one worker runs at once (`concurrency` of its logic). */
  readonly lanes: number;
}

const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.option(arb, { nil: undefined });

const queueArb: fc.Arbitrary<QueueOptions> = fc
  .record({
    priority: maybe(
      fc.record({
        levels: fc.integer({ min: 1, max: 5 }),
        everyMs: maybe(fc.integer({ min: 1, max: 50 })),
      }),
    ),
    capacity: fc.oneof(
      { weight: 2, arbitrary: fc.integer({ min: 5, max: 10 }) },
      { weight: 1, arbitrary: fc.integer({ min: 5, max: 50 }) },
      { weight: 1, arbitrary: fc.constant(Infinity) },
    ),
    overflow: fc.constantFrom('reject' as const, 'wait' as const, 'drop-oldest' as const),
  })
  .map(({ priority, capacity, overflow }) =>
    priority === undefined
      ? { capacity, overflow }
      : {
          kind: 'priority',
          levels: priority.levels,
          ...(priority.everyMs === undefined ? {} : { aging: { everyMs: priority.everyMs } }),
          capacity,
          overflow,
        },
  );

const configArb: fc.Arbitrary<Config> = fc.record({
  queue: queueArb,
  size: fc.oneof(
    fc.integer({ min: 1, max: 4 }),
    fc.record({
      min: fc.integer({ min: 1, max: 2 }),
      max: fc.integer({ min: 2, max: 6 }),
      idleTimeoutMs: fc.integer({ min: 10, max: 200 }),
      cooldownMs: fc.integer({ min: 10, max: 200 }),
    }),
  ),
  target: maybe(
    fc.oneof(
      fc.double({ min: 0.5, max: 0.9, noNaN: true }).map((utilisation) => ({ utilisation })),
      fc.integer({ min: 5, max: 50 }).map((queueWaitP99Ms) => ({ queueWaitP99Ms })),
    ),
  ),
  intervalMs: fc.integer({ min: 10, max: 50 }),
  lanes: fc.constantFrom(1, 1, 2, 3),
  rate: maybe(
    fc.record({
      limit: fc.integer({ min: 1, max: 5 }),
      intervalMs: fc.integer({ min: 5, max: 50 }),
    }),
  ),
  retry: maybe(
    fc.integer({ min: 2, max: 3 }).map((attempts) => ({
      attempts,
      backoff: { minMs: 1, maxMs: 5, jitter: 0 },
    })),
  ),
  timeoutMs: maybe(fc.integer({ min: 20, max: 100 })),
});

/** Hangs only where a timeout ends them. */
const jobArb = (hangs: boolean): fc.Arbitrary<Job> =>
  fc.oneof(
    {
      weight: 5,
      arbitrary: fc.record({ kind: fc.constant('ok' as const), ms: fc.nat({ max: 30 }) }),
    },
    {
      weight: 2,
      arbitrary: fc.record({ kind: fc.constant('throw' as const), ms: fc.nat({ max: 30 }) }),
    },
    ...(hangs ? [{ weight: 1, arbitrary: fc.constant({ kind: 'hang' as const }) }] : []),
  );

const stepsArb = (hangs: boolean): fc.Arbitrary<Step[]> =>
  fc.array(
    fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record({ op: fc.constant('advance' as const), ms: fc.nat({ max: 30 }) }),
      },
      {
        weight: 5,
        arbitrary: fc.record({
          op: fc.constant('submit' as const),
          job: jobArb(hangs),
          priority: maybe(fc.nat({ max: 4 })),
          signal: fc.boolean(),
        }),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          op: fc.constant('submitMany' as const),
          jobs: fc.array(jobArb(hangs), { maxLength: 12 }),
        }),
      },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('abort' as const), which: fc.nat() }) },
      {
        weight: 1,
        arbitrary: fc.record({
          op: fc.constant('resize' as const),
          size: fc.integer({ min: 1, max: 4 }),
        }),
      },
    ),
    { minLength: 5, maxLength: 40 },
  );

export const scenarioArb: fc.Arbitrary<[Config, Step[]]> = configArb.chain((config) =>
  fc.tuple(fc.constant(config), stepsArb(config.timeoutMs !== undefined)),
);
