/**
 * A pool of threads keeps the process alive exactly while it has tasks in flight: a batch script
 * whose thread dies (`process.exit`, out of memory) under runs still gets every outcome and then
 * ends by itself, and a script that leaves an idle pool open ends too.
 *
 * In a child process: what is tested is whether a process ends, which only a process of its own
 * can show. Real time, bounded: each script must end by itself within 20 s or it is killed.
 */
import { describe, expect, it } from 'vitest';
import { runScript } from './support/run-script.js';

const script = (name: string): URL => new URL(`./scripts/${name}`, import.meta.url);

describe('process lifetime', () => {
  it.each([
    ['exit', '1'],
    ['exit', '4'],
    ['oom', '4'],
  ])(
    'a thread that dies (%s, concurrency %s) under runs: every task settles, then the script ends',
    async (kind, concurrency) => {
      const run = await runScript(script('thread-death.mjs'), [kind, concurrency], 20_000);
      expect(run.stderr).toBe('');
      expect(run.killed).toBe(false);
      expect(run.code).toBe(0);
      const line = run.stdout.split('\n').find((l) => l.startsWith('settled: '));
      expect(line, `stdout: ${run.stdout}`).toBeDefined();
      const outcomes = line!.slice('settled: '.length).split(' ');
      expect(outcomes).toHaveLength(4);
      expect(outcomes[0]).toBe('WorkerCrashed');
      // The others did not kill the thread: they ran again on the next one.
      expect(outcomes.slice(1).sort()).toEqual(['ok:a', 'ok:b', 'ok:later']);
    },
  );

  it('an idle pool left open does not keep the script alive', async () => {
    const run = await runScript(script('idle-pool.mjs'), ['4'], 20_000);
    expect(run.killed).toBe(false);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('done: 1 2 3 4 5');
  });
});
