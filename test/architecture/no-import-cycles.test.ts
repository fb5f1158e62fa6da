/**
 * The packages' sources import one another without a cycle, type-only imports included: option
 * and metric types live in leaf files, so a part can be read (and replaced) without the ones
 * that use it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(ts|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Relative imports and re-exports of `file`, as absolute source paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(
    /(?:import|export)\s[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/g,
  )) {
    const target = resolve(dirname(file), match[1]!);
    found.push(target.replace(/\.js$/, '.ts'));
  }
  return found;
}

/** A cycle in the graph, as its files in order, or `undefined`. */
function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (file: string): string[] | undefined => {
    if (state.get(file) === 'done') return undefined;
    if (state.get(file) === 'open') return [...path.slice(path.indexOf(file)), file];
    state.set(file, 'open');
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      const cycle = visit(next);
      if (cycle !== undefined) return cycle;
    }
    path.pop();
    state.set(file, 'done');
    return undefined;
  };
  for (const file of graph.keys()) {
    const cycle = visit(file);
    if (cycle !== undefined) return cycle;
  }
  return undefined;
}

describe('module structure', () => {
  for (const pkg of ['core', 'inspect', 'prometheus', 'testkit', 'threads']) {
    it(`packages/${pkg}/src has no import cycle`, () => {
      const files = sources(join(root, 'packages', pkg, 'src'));
      const graph = new Map(files.map((file) => [file, importsOf(file)]));
      expect(files.length).toBeGreaterThan(5);
      const cycle = findCycle(graph)?.map((file) => file.slice(root.length + 1));
      expect(cycle).toBeUndefined();
    });
  }

  it('finds a cycle when there is one', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
    ]);
    expect(findCycle(graph)).toEqual(['a', 'b', 'c', 'a']);
  });
});
