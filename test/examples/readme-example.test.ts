/**
 * The README's example is the first program a reader runs: it must run as printed and end by
 * itself (a pool that is closed completes its streams and leaves no timer behind). Its first
 * ```ts block under "## Example" is written to a file and run in a child `node` against the
 * sources (types stripped), which must exit with code 0 on its own.
 *
 * Real time, not the injected clock: what is checked is that a real process, on the system
 * clock, has nothing left to keep it alive. It takes about a second; past 20 s it is killed.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { runScript } from '../threads/support/run-script.js';

/** The first ```ts block after the "## Example" heading of `markdown`. */
function exampleOf(markdown: string): string {
  const section = markdown.split(/^## Example$/m)[1];
  const block = section === undefined ? undefined : /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (block === undefined) throw new Error('README.md has no ```ts block under "## Example"');
  return block;
}

let dir: string | undefined;
afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

it('the README example runs and exits by itself with code 0', async () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  dir = mkdtempSync(join(tmpdir(), 'troupe-readme-'));
  const file = join(dir, 'readme-example.ts');
  writeFileSync(file, exampleOf(readme));
  const run = await runScript(pathToFileURL(file), [], 20_000);
  expect(run.stderr).toBe('');
  expect({ killed: run.killed, code: run.code }).toEqual({ killed: false, code: 0 });
  expect(run.stdout).toContain("path: 'cat.png'");
}, 30_000);
