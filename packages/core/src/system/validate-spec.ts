import { resolveClock } from '../time/resolve-clock.js';
import { resolveSystemSupervision } from './system-supervision.js';
import {
  distinct,
  expected,
  isRecord,
  problemOf,
  readSafely,
  unknownKeys,
  type SpecProblem,
} from './spec-problems.js';
import { checkBalancerEntry, checkPoolEntry } from './validate-entries.js';
import {
  balancerReferences,
  duplicateNames,
  pipelineReferences,
  type DeclaredNames,
} from './validate-references.js';

const SPEC_KEYS = [
  'name',
  'pools',
  'balancers',
  'pipelines',
  'supervision',
  'clock',
  'inspect',
  'metrics',
  'random',
];

/**
 * Every problem of a system spec, each at its path (`pools.fetch.size.min`), in the order of
 * the spec: its own options, the pools, the balancers, the pipelines, then the names across
 * them. Pure: builds nothing, starts nothing. An empty list means the spec is valid.
 *
 * @example
 * validateSpec({ pools: { a: { worker: f, size: -1 } } });
 * // [{ path: 'pools.a.size', message: 'expected a whole number >= 1, got -1' }]
 */
export function validateSpec(spec: unknown): SpecProblem[] {
  if (!isRecord(spec))
    return [expected('spec', 'an object { pools, balancers?, pipelines?, supervision?, … }', spec)];
  const problems: SpecProblem[] = unknownKeys('', spec, SPEC_KEYS);
  const read = (key: string): unknown => readSafely(spec, key);
  problems.push(...ownOptions(read));
  const pools = read('pools');
  const balancers = read('balancers') ?? {};
  const pipelines = read('pipelines') ?? {};
  if (!isRecord(pools) || Object.keys(pools).length === 0)
    problems.push(expected('pools', 'a record name → pool entry, with at least one pool', pools));
  const names: DeclaredNames = {
    pools: isRecord(pools) ? Object.keys(pools) : [],
    balancers: isRecord(balancers) ? Object.keys(balancers) : [],
    pipelines: isRecord(pipelines) ? Object.keys(pipelines) : [],
  };
  problems.push(...badNames(names));
  if (isRecord(pools))
    for (const name of names.pools) problems.push(...checkPoolEntry(name, readSafely(pools, name)));
  if (!isRecord(balancers))
    problems.push(expected('balancers', 'a record name → balancer entry', balancers));
  else {
    for (const name of names.balancers)
      problems.push(...checkBalancerEntry(name, readSafely(balancers, name)));
    problems.push(...balancerReferences(balancers, names));
  }
  if (!isRecord(pipelines))
    problems.push(expected('pipelines', 'a record name → array of stage names', pipelines));
  else problems.push(...pipelineReferences(pipelines, names));
  problems.push(...duplicateNames(names));
  return distinct(problems);
}

/** The spec's own options: name, supervision, clock, inspect, metrics, random. */
function ownOptions(read: (key: string) => unknown): SpecProblem[] {
  const found: (SpecProblem | undefined)[] = [];
  const name = read('name');
  if (name !== undefined && (typeof name !== 'string' || name.length === 0))
    found.push(expected('name', 'a non-empty string', name));
  found.push(...supervisionProblems(read('supervision')));
  const clock = read('clock');
  if (clock !== undefined) found.push(problemOf('', () => resolveClock(clock as never)));
  const inspect = read('inspect');
  if (
    inspect !== undefined &&
    typeof inspect !== 'function' &&
    !(isRecord(inspect) && typeof inspect.next === 'function')
  )
    found.push(
      expected('inspect', 'an XState inspection observer (function or { next })', inspect),
    );
  found.push(...metricsProblems(read('metrics')));
  const random = read('random');
  if (random !== undefined && typeof random !== 'function')
    found.push(expected('random', 'a function returning numbers in [0, 1)', random));
  return found.filter((p): p is SpecProblem => p !== undefined);
}

/** Each bad supervision option (each checked alone, with the others' defaults). */
function supervisionProblems(supervision: unknown): SpecProblem[] {
  if (!isRecord(supervision))
    return supervision === undefined
      ? []
      : [
          expected(
            'supervision',
            'an object { strategy?, maxRestarts?, withinMs?, backoff?, resetAfterMs? }',
            supervision,
          ),
        ];
  const problems = unknownKeys('supervision', supervision, SUPERVISION_KEYS);
  for (const key of SUPERVISION_KEYS) {
    if (!(key in supervision)) continue;
    const alone = { [key]: readSafely(supervision, key) };
    const problem = problemOf('', () => resolveSystemSupervision(alone));
    if (problem !== undefined) problems.push(problem);
  }
  // Across options (resetAfterMs against withinMs, say): once each is right alone.
  if (problems.length === 0) {
    const whole = problemOf('', () => resolveSystemSupervision(supervision));
    if (whole !== undefined) problems.push(whole);
  }
  return problems;
}

const SUPERVISION_KEYS = ['strategy', 'maxRestarts', 'withinMs', 'backoff', 'resetAfterMs'];

function metricsProblems(metrics: unknown): SpecProblem[] {
  if (metrics === undefined) return [];
  if (!isRecord(metrics)) return [expected('metrics', 'an object { intervalMs? }', metrics)];
  const problems = unknownKeys('metrics', metrics, ['intervalMs']);
  const intervalMs = readSafely(metrics, 'intervalMs');
  if (
    intervalMs !== undefined &&
    !(typeof intervalMs === 'number' && intervalMs > 0 && Number.isFinite(intervalMs))
  )
    problems.push(expected('metrics.intervalMs', 'a finite number > 0 (milliseconds)', intervalMs));
  return problems;
}

/** Names that cannot be a path segment: empty, or with a `.` in them. */
function badNames(names: DeclaredNames): SpecProblem[] {
  const kinds = [
    ['pools', names.pools],
    ['balancers', names.balancers],
    ['pipelines', names.pipelines],
  ] as const;
  return kinds.flatMap(([where, list]) =>
    list
      .filter((name) => name.length === 0 || name.includes('.'))
      .map((name) => ({
        path: `${where}.${name}`,
        message: `a name must be non-empty and without '.', got ${JSON.stringify(name)}`,
      })),
  );
}
