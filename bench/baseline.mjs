/**
 * The build of an earlier commit, to measure beside the working tree in the same run
 * (`--baseline REF`): a refactor's "before" and "after" on one machine, one load, one process.
 * The commit is checked out into a temporary git worktree, installed from the local pnpm store
 * (`--offline`: nothing is fetched) and built; `dispose()` removes it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = new URL('..', import.meta.url);

/** Checks out and builds `ref`; returns its short commit, its `@troupe/core` entry (a file URL) and `dispose`. */
export function prepareBaseline(ref, log = () => {}) {
  const git = (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
  let commit;
  try {
    commit = git('rev-parse', '--short', '--verify', `${ref}^{commit}`);
  } catch {
    throw new Error(`--baseline ${ref}: not a commit of this repository`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'troupe-baseline-'));
  const dispose = () => {
    try {
      git('worktree', 'remove', '--force', dir);
    } catch {
      rmSync(dir, { recursive: true, force: true });
      git('worktree', 'prune');
    }
  };
  try {
    log(`baseline: building ${commit} (${ref}) in a temporary worktree`);
    git('worktree', 'add', '--detach', dir, commit);
    const pnpm = (...args) => execFileSync('pnpm', args, { cwd: dir, stdio: 'ignore' });
    pnpm('install', '--frozen-lockfile', '--offline');
    pnpm('--filter', '@troupe/core', 'build');
  } catch (error) {
    dispose();
    throw new Error(`--baseline ${ref}: could not build ${commit}: ${error.message}`);
  }
  return {
    commit,
    coreUrl: pathToFileURL(join(dir, 'packages/core/dist/index.js')).href,
    dispose,
  };
}
