/**
 * Every `js` example in docs/guide/composition.md runs as it stands against the public API and
 * prints what its comments say. Real time, not the injected clock: an example is what a reader
 * runs (the pools start on the system clock).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

const guide = readFileSync(new URL('../../docs/guide/composition.md', import.meta.url), 'utf8');
const examples = [...guide.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);
const dir = mkdtempSync(join(tmpdir(), 'troupe-composition-'));

/** Runs example `i` (through vitest's module runner, so '@troupe/core' is the sources); returns what it printed. */
async function run(i: number): Promise<string> {
  const printed: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => {
    printed.push(parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join(' '));
  });
  const file = join(dir, `example-${i}.mjs`);
  writeFileSync(file, examples[i]!);
  await import(/* @vite-ignore */ file);
  return printed.join('\n');
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('docs/guide/composition.md', () => {
  it('has its examples', () => {
    expect(examples.length).toBe(12);
  });

  it('runs every example, printing what it says', async () => {
    expect(await run(0)).toMatch(/^[AB]:1$/);
    expect(await run(1)).toBe('1 2');
    expect(await run(2)).toBe('true');
    expect(await run(3)).toBe('a1 a2\na:true b:true');
    expect(await run(4)).toBe(
      'apiB: healthy → degraded\napiB: degraded → unhealthy\napiA healthy true, apiB unhealthy false',
    );
    expect(await run(5)).toBe(
      "no member of balancer 'api' is running: apiA is stopped, apiB is stopped",
    );
    expect(await run(6)).toBe('job-7 14\n4 4 4');
    expect(await run(7)).toMatch(/^\["e[12]:1","w1:2","e[12]:3","w1:4"\]$/);
    expect(await run(8)).toBe('0 store stored 500\n1 store stored 600\n2 resize TaskFailed');
    expect(await run(9)).toBe('100 8');
    expect(await run(10)).toBe('10 5 5 10\n10');
    expect(await run(11)).toBe('b:1\n["A:1","B:2"]\n["apiA","loudly","apiC"] 4');
  });
});
