import { InvalidOptionError } from './errors.js';

/**
 * Throws `InvalidOptionError` for the first key of `given` that is not in `known`, so a typo
 * (`timeout` for `timeoutMs`) fails at once instead of being ignored. `where` is the option path
 * of `given` (`'queue'`, `'supervision.backoff'`; `''` for a call's own options); the error names
 * the key under it, the value, the known keys and, when one is close, the likely meant one.
 *
 * @example
 * rejectUnknownOptions('queue', { levles: 3 }, ['kind', 'levels']);
 * // InvalidOptionError: invalid option `queue.levles`: got 3; allowed: one of the known
 * // options of queue: kind, levels (did you mean `levels`?)
 */
export function rejectUnknownOptions(
  where: string,
  given: object,
  known: readonly string[],
  hint?: string,
): void {
  const error = findUnknownOption(where, given, known, hint);
  if (error !== undefined) throw error;
}

/**
 * `rejectUnknownOptions` as a value, for options refused with a result rather than a throw
 * (a batch pool's per-item options); `hint` is added to what is allowed. Reading the keys may
 * throw (a Proxy): the caller decides what that means.
 */
export function findUnknownOption(
  where: string,
  given: object,
  known: readonly string[],
  hint?: string,
): InvalidOptionError | undefined {
  for (const key of Object.keys(given)) {
    if (known.includes(key)) continue;
    let value: unknown;
    try {
      value = (given as Record<string, unknown>)[key];
    } catch {
      // A getter that throws: the key is what matters here.
    }
    const near = nearest(key, known);
    const allowed =
      `one of the known options${where === '' ? '' : ` of ${where}`}: ${known.join(', ')}` +
      (near === undefined ? '' : ` (did you mean \`${near}\`?)`) +
      (hint === undefined ? '' : `; ${hint}`);
    return new InvalidOptionError(where === '' ? key : `${where}.${key}`, value, allowed);
  }
  return undefined;
}

/** The known key `key` most likely misspells: same but for case, a prefix, or two edits away. */
function nearest(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const other = candidate.toLowerCase();
    if (other === lower) return candidate;
    // `timeout` for `timeoutMs`, `interval` for `intervalMs`.
    const distance =
      other.startsWith(lower) || lower.startsWith(other) ? 1 : editDistance(lower, other);
    if (distance < bestDistance && distance < Math.max(lower.length, 2)) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance (option names are short: the quadratic table is nothing). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = row;
  }
  return previous[b.length]!;
}
