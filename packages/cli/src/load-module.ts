import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CliError, describeError } from './cli-error.js';

/** A user's module as `troupe run` and `troupe chart` use it. */
export interface LoadedModule {
  /** The path as given. */
  readonly path: string;
  /** Its absolute path. */
  readonly file: string;
  /** Its exports. */
  readonly exports: Readonly<Record<string, unknown>>;
}

/**
 * Imports the module at `path` (relative to `cwd`): an ES module or CommonJS file Node can load
 * as it is (`.mjs`, `.js`, `.cjs`). Fails with a `CliError` naming the file: not found, a
 * directory, or it threw (a syntax error, a bad import) while it was imported.
 */
export async function loadModule(path: string, cwd = process.cwd()): Promise<LoadedModule> {
  const file = resolve(cwd, path);
  let isFile: boolean;
  try {
    isFile = (await stat(file)).isFile();
  } catch {
    throw new CliError(`${path}: no such file (looked for ${file})`);
  }
  if (!isFile) throw new CliError(`${path}: not a file (${file})`);
  try {
    const exports = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    return { path, file, exports };
  } catch (error) {
    throw new CliError(`${path}: importing it threw ${describeError(error, true)}`, undefined, {
      cause: error,
    });
  }
}
