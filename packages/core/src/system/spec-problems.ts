/**
 * Problems of a spec as values: the options' own checks throw `InvalidOptionError` at the
 * first bad option; the spec's validation collects them instead, each at its path.
 */
import { describeValue, isInstance } from '../describe-value.js';
import { InvalidOptionError, type SpecProblem } from '../errors.js';
import { findUnknownOption } from '../reject-unknown-options.js';

export type { SpecProblem };

/** `where` and `option` joined into one path (`pools.fetch` + `size.min`). */
export function joinPath(where: string, option: string): string {
  if (where === '') return option;
  if (option === '' || option === 'options') return where;
  return option.startsWith('[') ? `${where}${option}` : `${where}.${option}`;
}

/** A problem at `path`: `expected <allowed>, got <value>`. */
export function expected(path: string, allowed: string, value: unknown): SpecProblem {
  return { path, message: `expected ${allowed}, got ${describeValue(value)}` };
}

/** What `check` throws, as a problem under `where` (`undefined` when it throws nothing). */
export function problemOf(where: string, check: () => unknown): SpecProblem | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    if (isInstance(error, InvalidOptionError)) {
      const { option, allowed, value } = error as InvalidOptionError;
      return expected(joinPath(where, option), allowed, value);
    }
    return { path: where, message: `could not be checked: ${describeValue(error)}` };
  }
}

/**
 * Every key of `given` that is not in `known`, one problem each (with a did-you-mean); a key in
 * `setBySystem` is named as the system's to set.
 */
export function unknownKeys(
  where: string,
  given: object,
  known: readonly string[],
  setBySystem: Readonly<Record<string, string>> = {},
): SpecProblem[] {
  const problems: SpecProblem[] = [];
  for (const key of Object.keys(given)) {
    if (known.includes(key)) continue;
    const why = setBySystem[key];
    if (why !== undefined) {
      problems.push({ path: joinPath(where, key), message: `not allowed here: ${why}` });
      continue;
    }
    const error = findUnknownOption(where, { [key]: readSafely(given, key) }, known);
    if (error !== undefined) problems.push(expected(error.option, error.allowed, error.value));
  }
  return problems;
}

/** `given[key]`, or `undefined` when reading it throws (a getter, a Proxy). */
export function readSafely(given: object, key: string): unknown {
  try {
    return (given as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** A plain record (an object, not an array or null). */
export function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `problems` without repeats (a bad option found alone and again with the rest of its entry). */
export function distinct(problems: readonly SpecProblem[]): SpecProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
