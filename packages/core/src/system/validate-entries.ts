/**
 * A pool entry and a balancer entry checked by the pool's and the balancer's own option checks,
 * every bad option reported: each option is checked on its own (with a stand-in for what it
 * needs), then the whole entry for checks across options.
 */
import { resolveBalancerOptions } from '../balancing/balancer-options.js';
import { POOL_OPTION_NAMES, resolvePoolOptions, type PoolOptions } from '../pool/options.js';
import type { TaskSink } from '../sink.js';
import {
  distinct,
  expected,
  isRecord,
  problemOf,
  readSafely,
  unknownKeys,
  type SpecProblem,
} from './spec-problems.js';

const SET_BY_SYSTEM_POOL: Readonly<Record<string, string>> = {
  name: 'a pool is named by its key in `pools`',
  clock: "every member runs on the system's `clock`",
  inspect: "the system's `inspect` sees every pool",
};

const POOL_KEYS = POOL_OPTION_NAMES.filter((k) => SET_BY_SYSTEM_POOL[k] === undefined);

/** Stands in for the worker while another option is checked alone. */
const standInWorker = (): undefined => undefined;

/** Every problem of the pool entry `pools.<name>`. */
export function checkPoolEntry(name: string, entry: unknown): SpecProblem[] {
  const where = `pools.${name}`;
  if (!isRecord(entry))
    return [expected(where, 'a pool entry: an object with at least `worker`', entry)];
  const problems = unknownKeys(where, entry, POOL_KEYS, SET_BY_SYSTEM_POOL);
  const given = POOL_KEYS.filter((key) => key in entry);
  const known: Record<string, unknown> = {};
  for (const key of given) known[key] = readSafely(entry, key);
  const check = (options: Record<string, unknown>) => () =>
    resolvePoolOptions(options as unknown as PoolOptions<unknown, unknown>);
  const alone: (SpecProblem | undefined)[] = [problemOf(where, check({ worker: known.worker }))];
  for (const key of given) {
    if (key !== 'worker')
      alone.push(problemOf(where, check({ worker: standInWorker, [key]: known[key] })));
  }
  for (const problem of alone) if (problem !== undefined) problems.push(problem);
  // Across options (a batch pool's queue, a dry run's min): only once each is right alone.
  if (problems.length === 0) {
    const whole = problemOf(where, check({ ...known, name }));
    if (whole !== undefined) problems.push(whole);
  }
  return distinct(problems);
}

const SET_BY_SYSTEM_BALANCER: Readonly<Record<string, string>> = {
  name: 'a balancer is named by its key in `balancers`',
  clock: "every member runs on the system's `clock`",
  owns: 'the system closes every member itself, in dependency order',
  isAvailable: 'a system is data: availability comes from `health`',
};

const BALANCER_KEYS = [
  'pools',
  'strategy',
  'weights',
  'capacity',
  'overflow',
  'intervalMs',
  'random',
  'health',
];

/** A sink that only passes the balancer's check of its members (never used). */
function standInSink(name: string): TaskSink<unknown, unknown> {
  const nothing = (): never => {
    throw new Error('a stand-in sink, for option checks only');
  };
  return {
    name,
    submit: nothing,
    run: nothing,
    submitMany: nothing,
    getSnapshot: nothing,
    onIdle: nothing,
    close: nothing,
    capacity: 0,
    state$: { subscribe: nothing } as unknown as TaskSink<unknown, unknown>['state$'],
    results$: undefined as unknown as TaskSink<unknown, unknown>['results$'],
    metrics$: undefined as unknown as TaskSink<unknown, unknown>['metrics$'],
  };
}

/**
 * Every problem of the balancer entry `balancers.<name>` but its members' names (the spec's
 * references are checked as a whole, in `validate-references.ts`).
 */
export function checkBalancerEntry(name: string, entry: unknown): SpecProblem[] {
  const where = `balancers.${name}`;
  if (!isRecord(entry))
    return [expected(where, 'a balancer entry: an object with at least `pools`', entry)];
  const problems = unknownKeys(where, entry, BALANCER_KEYS, SET_BY_SYSTEM_BALANCER);
  const members = readSafely(entry, 'pools');
  const names = Array.isArray(members)
    ? members.filter((m): m is string => typeof m === 'string')
    : [];
  const pools = Object.fromEntries(
    (names.length === 0 ? ['member'] : names).map((m) => [m, standInSink(m)]),
  );
  const options: Record<string, unknown> = {};
  for (const key of BALANCER_KEYS)
    if (key !== 'pools' && key in entry) options[key] = readSafely(entry, key);
  const check = (given: Record<string, unknown>) => () =>
    resolveBalancerOptions({ ...given, name, pools });
  const found: (SpecProblem | undefined)[] = [];
  for (const key of Object.keys(options)) {
    // Weights are checked with the strategy they belong to.
    if (key === 'weights' || key === 'strategy') continue;
    found.push(problemOf(where, check({ [key]: options[key] })));
  }
  if ('weights' in options || 'strategy' in options) {
    const { strategy, weights } = options;
    found.push(
      problemOf(where, check('weights' in options ? { strategy, weights } : { strategy })),
    );
  }
  for (const problem of found) if (problem !== undefined) problems.push(problem);
  return distinct(problems);
}
