/**
 * The Node options a thread gets: the process's own (`process.execArgv`, as Node would pass
 * them) without those that only make sense for the main script and that a worker thread
 * refuses at start: the code given with `-e`/`--eval`/`-p`/`--print` and `--input-type` (which
 * Node only allows with such code). Without this, every thread of a program run as
 * `node --input-type=module -e "…"` would die before it is ready.
 */
export function threadExecArgv(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    if (WITH_VALUE.has(arg)) {
      i++; // and its value
      continue;
    }
    if (PREFIXES.some((prefix) => arg.startsWith(prefix))) continue;
    kept.push(arg);
  }
  return kept;
}

/** Options whose value is the next argument. */
const WITH_VALUE = new Set(['-e', '--eval', '-p', '--print', '-pe', '--input-type']);
/** Options written `--name=value`. */
const PREFIXES = ['--eval=', '--print=', '--input-type='];
