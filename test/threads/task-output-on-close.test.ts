/**
 * Everything a task wrote to stdout and stderr in its thread reaches the main thread's streams
 * before `close()` resolves, however soon after the task the pool is closed.
 *
 * In a child process whose output is captured: the streams tested are the process's own. Real
 * time, bounded: the script must end by itself within 20 s or it is killed.
 */
import { describe, expect, it } from 'vitest';
import { runScript } from './support/run-script.js';

/** The lines of `text` a task wrote: `<tag> <stream> <i>` for tags a–d and i below `lines`. */
function expected(stream: 'out' | 'err', lines: number): string[] {
  return ['a', 'b', 'c', 'd'].flatMap((tag) =>
    Array.from({ length: lines }, (_, i) => `${tag} ${stream} ${i}`),
  );
}

describe("a task's output", () => {
  it.each([2, 500])(
    'reaches stdout and stderr before close() resolves (%i lines a stream and task)',
    async (lines) => {
      const run = await runScript(
        new URL('./scripts/task-output.mjs', import.meta.url),
        [String(lines)],
        20_000,
      );
      expect(run.killed).toBe(false);
      expect(run.code).toBe(0);
      for (const [text, stream] of [
        [run.stdout, 'out'],
        [run.stderr, 'err'],
      ] as const) {
        const printed = text.split('\n').filter((line) => line !== '');
        expect(printed.at(-1)).toBe('closed');
        expect(printed.slice(0, -1).sort()).toEqual(expected(stream, lines).sort());
      }
    },
  );
});
