/**
 * The spec's names as a whole: each used once across pools, balancers and pipelines; every
 * balancer member and pipeline stage naming a pool or a balancer; no balancer among its own
 * members, however deep; no pipeline through a stage twice.
 */
import { describeValue } from '../describe-value.js';
import { expected, isRecord, readSafely, type SpecProblem } from './spec-problems.js';

/** The names a spec declares, by kind (only those whose entries are records). */
export interface DeclaredNames {
  readonly pools: readonly string[];
  readonly balancers: readonly string[];
  readonly pipelines: readonly string[];
}

/** What a name is, for messages. */
function kindOf(names: DeclaredNames, name: string): string | undefined {
  if (names.pools.includes(name)) return 'a pool';
  if (names.balancers.includes(name)) return 'a balancer';
  if (names.pipelines.includes(name)) return 'a pipeline';
  return undefined;
}

/** A name used twice across the three kinds: reported where it is used the second time. */
export function duplicateNames(names: DeclaredNames): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const seen = new Map<string, string>();
  const kinds = [
    ['pools', names.pools, 'a pool'],
    ['balancers', names.balancers, 'a balancer'],
    ['pipelines', names.pipelines, 'a pipeline'],
  ] as const;
  for (const [where, list, kind] of kinds) {
    for (const name of list) {
      const first = seen.get(name);
      if (first === undefined) seen.set(name, kind);
      else
        problems.push({
          path: `${where}.${name}`,
          message: `the name '${name}' is ${first}'s already: a name is used once across pools, balancers and pipelines`,
        });
    }
  }
  return problems;
}

/**
 * The names in a list of members or stages at `where`: each must name a pool or a balancer,
 * once. Returns the problems and the names that are right.
 */
function checkNameList(
  where: string,
  list: unknown,
  names: DeclaredNames,
  what: 'member' | 'stage',
): { problems: SpecProblem[]; valid: string[] } {
  const allowed = `a non-empty array of the names of pools or balancers`;
  if (!Array.isArray(list) || list.length === 0)
    return { problems: [expected(where, allowed, list)], valid: [] };
  const problems: SpecProblem[] = [];
  const valid: string[] = [];
  (list as readonly unknown[]).forEach((name, i) => {
    const path = `${where}[${i}]`;
    if (typeof name !== 'string') {
      problems.push(expected(path, 'the name of a pool or a balancer', name));
      return;
    }
    const kind = kindOf(names, name);
    if (kind === undefined || kind === 'a pipeline') {
      const why = kind === undefined ? 'names no pool or balancer' : 'is a pipeline';
      problems.push({
        path,
        message: `${describeValue(name)} ${why}: a ${what} is a pool or a balancer (${known(names)})`,
      });
      return;
    }
    if (valid.includes(name)) {
      const why =
        what === 'stage'
          ? 'comes twice: a pipeline goes through each stage once (no cycle)'
          : 'is a member already';
      problems.push({ path, message: `'${name}' ${why}` });
      return;
    }
    valid.push(name);
  });
  return { problems, valid };
}

function known(names: DeclaredNames): string {
  const all = [...new Set([...names.pools, ...names.balancers])];
  return all.length === 0 ? 'none declared' : `declared: ${all.join(', ')}`;
}

/** Every problem of the balancers' `pools` lists, and cycles among balancers. */
export function balancerReferences(
  balancers: Readonly<Record<string, unknown>>,
  names: DeclaredNames,
): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const edges = new Map<string, string[]>();
  for (const name of names.balancers) {
    const entry = balancers[name];
    if (!isRecord(entry)) continue;
    const checked = checkNameList(
      `balancers.${name}.pools`,
      readSafely(entry, 'pools'),
      names,
      'member',
    );
    problems.push(...checked.problems);
    edges.set(
      name,
      checked.valid.filter((m) => names.balancers.includes(m)),
    );
  }
  for (const cycle of cyclesOf(edges))
    problems.push({
      path: `balancers.${cycle[0]}.pools`,
      message: `balancers form a cycle: ${cycle.join(' → ')} (a balancer cannot be its own member)`,
    });
  return problems;
}

/** Every problem of the pipelines' stage lists. */
export function pipelineReferences(
  pipelines: Readonly<Record<string, unknown>>,
  names: DeclaredNames,
): SpecProblem[] {
  return names.pipelines.flatMap(
    (name) => checkNameList(`pipelines.${name}`, pipelines[name], names, 'stage').problems,
  );
}

/** Each cycle of `edges` once, as its names from its first (in declaration order) back to it. */
function cyclesOf(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles: string[][] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (node: string): void => {
    const at = path.indexOf(node);
    if (at !== -1) {
      cycles.push([...path.slice(at), node]);
      return;
    }
    if (done.has(node)) return;
    path.push(node);
    for (const next of edges.get(node) ?? []) visit(next);
    path.pop();
    done.add(node);
  };
  for (const node of edges.keys()) visit(node);
  return cycles;
}
