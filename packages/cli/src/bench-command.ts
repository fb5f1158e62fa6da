import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CliError } from './cli-error.js';

/** The checkout of the Troupe repository that `dir` is in: the folder with `bench/run.mjs` and the workspace's package.json. */
export function findRepo(dir: string): string | undefined {
  for (let at = dir; ; at = dirname(at)) {
    if (existsSync(join(at, 'bench', 'run.mjs')) && isTroupeWorkspace(join(at, 'package.json')))
      return at;
    if (dirname(at) === at) return undefined;
  }
}

function isTroupeWorkspace(file: string): boolean {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name === 'troupe';
  } catch {
    return false;
  }
}

/**
 * `troupe bench [args…]`: the repository's benchmark suite, `node bench/run.mjs args…`, run from
 * inside a checkout (it measures the packages' current build: `pnpm build` first). Resolves with
 * its exit code.
 */
export function benchCommand(args: readonly string[], cwd = process.cwd()): Promise<number> {
  const repo = findRepo(cwd);
  if (repo === undefined)
    throw new CliError(
      `troupe bench runs the benchmark suite of a checkout of the Troupe repository (bench/run.mjs), ` +
        `and ${cwd} is not inside one: clone the repository, run pnpm install and pnpm build, then troupe bench there`,
    );
  // Ctrl-C reaches the suite too (one process group): wait for it to end, and take its code.
  const ignore = () => undefined;
  process.on('SIGINT', ignore);
  return new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, [join(repo, 'bench', 'run.mjs'), ...args], {
      cwd: repo,
      stdio: 'inherit',
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? 130 : 1)));
  }).finally(() => process.off('SIGINT', ignore));
}
