/**
 * Module hooks for scripts a test runs in a child `node`: `@troupe/core`, `@troupe/threads` and
 * `@troupe/bullmq` resolve to the packages' sources (as under vitest), and TypeScript is stripped of its types on
 * load. So a child script tests the code as it is in the worktree, without a build.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const packages = new URL('../../../packages/', import.meta.url);
const aliases = {
  '@troupe/core': new URL('core/src/index.ts', packages).href,
  '@troupe/threads': new URL('threads/src/index.ts', packages).href,
  '@troupe/bullmq': new URL('bullmq/src/index.ts', packages).href,
};

/** TypeScript's compiler, once a `.ts` file is loaded. */
let ts;

export async function resolve(specifier, context, next) {
  const alias = aliases[specifier];
  if (alias !== undefined) return { url: alias, shortCircuit: true, format: 'module' };
  // The sources import each other as `./x.js`: the file is `./x.ts`.
  if (
    context.parentURL?.endsWith('.ts') &&
    specifier.startsWith('.') &&
    specifier.endsWith('.js')
  ) {
    const url = new URL(specifier, context.parentURL);
    const source = new URL(url.href.replace(/\.js$/, '.ts'));
    if (!existsSync(url) && existsSync(source))
      return { url: source.href, shortCircuit: true, format: 'module' };
  }
  return next(specifier, context);
}

/**
 * Stripped sources by a hash of the source: loading TypeScript's compiler and running it takes
 * a core for a second or more, which every child script would pay (and the tests beside it).
 */
/** Changes with how sources are stripped: a new value leaves the old cache unused. */
const SALT = 'es2022-esnext-1';
const cache = new URL('../../../node_modules/.cache/troupe-source-hooks/', import.meta.url);

export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context);
  const path = fileURLToPath(url);
  const source = readFileSync(path, 'utf8');
  const cached = new URL(
    `${createHash('sha1').update(SALT).update(source).digest('hex')}.js`,
    cache,
  );
  if (existsSync(cached))
    return { format: 'module', source: readFileSync(cached, 'utf8'), shortCircuit: true };
  // Imported on first use: a thread inherits these hooks, and loads no TypeScript.
  ts ??= (await import('typescript')).default;
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      useDefineForClassFields: true,
    },
    fileName: path,
  });
  mkdirSync(cache, { recursive: true });
  // Written aside and renamed: a script running beside this one never reads half a file.
  const aside = new URL(`${cached.href}.${process.pid}`);
  writeFileSync(aside, outputText);
  renameSync(aside, cached);
  return { format: 'module', source: outputText, shortCircuit: true };
}
