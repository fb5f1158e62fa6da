import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a thread with the process's Node options, as far as a thread can take them.
 *
 * By default a Worker inherits `process.execArgv`, and Node itself leaves out what a thread
 * cannot take (V8 and process-wide options such as `--max-old-space-size`, `--trace-gc`,
 * `--perf-basic-prof`, `--title`). That is what happens here, unless the process was started
 * with code on its command line (`-e`/`--eval`/`-p`/`--print`, with `--input-type`): those a
 * thread refuses at start (every thread would die before it is ready), so they are dropped and
 * the rest is passed explicitly. An explicit list is checked by Node, which refuses the
 * process-wide options in it; they are then dropped too (they already apply to the process)
 * and the thread started again. An `execArgv` given in `options` (the thread option) is used
 * as it is: what Node refuses in it is the caller's to fix.
 */
export function spawnThread(
  url: URL,
  options: WorkerOptions,
  processArgv: readonly string[] = process.execArgv,
): Worker {
  if (options.execArgv !== undefined) return new Worker(url, options);
  const execArgv = threadExecArgv(processArgv);
  if (execArgv === undefined) return new Worker(url, options);
  try {
    return new Worker(url, { ...options, execArgv });
  } catch (error) {
    const refused = refusedOptions(error);
    if (refused === undefined) throw error;
    return new Worker(url, { ...options, execArgv: withoutOptions(execArgv, refused) });
  }
}

/**
 * The process's options without the main script's code options, or `undefined` when it has
 * none (then a thread inherits them as Node does).
 */
export function threadExecArgv(execArgv: readonly string[]): string[] | undefined {
  const kept: string[] = [];
  let dropped = false;
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    if (WITH_VALUE.has(arg)) {
      i++; // and its value
      dropped = true;
      continue;
    }
    if (PREFIXES.some((prefix) => arg.startsWith(prefix))) {
      dropped = true;
      continue;
    }
    kept.push(arg);
  }
  return dropped ? kept : undefined;
}

/**
 * The options named by Node's `ERR_WORKER_INVALID_EXEC_ARGV` ("… invalid execArgv flags:
 * --a, --b=1"), or `undefined` for any other error.
 */
export function refusedOptions(error: unknown): string[] | undefined {
  if ((error as { code?: unknown } | null)?.code !== 'ERR_WORKER_INVALID_EXEC_ARGV') return;
  const message = String((error as { message?: unknown }).message);
  const at = message.indexOf(': ');
  return at < 0 ? [] : message.slice(at + 2).split(', ');
}

/**
 * `execArgv` without the `refused` options (as Node names them: `--name` or `--name=value`),
 * and without the value that follows a refused `--name` given apart (`--stack-size 900`).
 */
export function withoutOptions(execArgv: readonly string[], refused: readonly string[]): string[] {
  const names = new Set(refused);
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    if (!names.has(arg)) {
      kept.push(arg);
      continue;
    }
    const next = execArgv[i + 1];
    if (!arg.includes('=') && next !== undefined && !next.startsWith('-')) i++;
  }
  return kept;
}

/** Options whose value is the next argument. */
const WITH_VALUE = new Set(['-e', '--eval', '-p', '--print', '-pe', '--input-type']);
/** Options written `--name=value`. */
const PREFIXES = ['--eval=', '--print=', '--input-type='];
