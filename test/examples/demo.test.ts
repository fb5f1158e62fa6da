/**
 * `pnpm demo` is the first thing a reader runs, and its summary is read as arithmetic: every
 * sum it prints must add up, each failure counted once under its cause, and the restarts
 * explained by the crashes. It runs here as a child process with its output piped (not a
 * terminal, as when saved to a file), where the progress must still end at N/N.
 *
 * Real time, not the injected clock: the demo is a program on the system clock. With 1 000 tasks
 * (one hang, two crashes, twenty tasks that throw) it takes about 2 s; past 30 s it is killed.
 */
import { expect, it } from 'vitest';
import { runScript } from '../threads/support/run-script.js';

const TASKS = 1_000;

/** The numbers in `line`, in order. */
const numbers = (line: string): number[] => (line.match(/\d+(\.\d+)?/g) ?? []).map(Number);

/** The one line that starts with `prefix` after leading spaces. */
function line(lines: readonly string[], prefix: string): string {
  const found = lines.filter((l) => l.trimStart().startsWith(prefix));
  if (found.length !== 1)
    throw new Error(`${found.length} lines start with '${prefix}':\n${lines.join('\n')}`);
  return found[0]!;
}

/** `total = a + b + …` on a line: the terms after the `=` (words between them ignored). */
function sum(text: string): { total: number; terms: number[] } {
  const [left, right] = text.split(' = ');
  return { total: numbers(left ?? '').at(-1) ?? NaN, terms: numbers(right ?? '') };
}

it('the demo, piped: progress ends at N/N, and every total in its summary adds up', async () => {
  const url = new URL('../../examples/demo.mjs', import.meta.url);
  const run = await runScript(url, [], 30_000, { DEMO_TASKS: String(TASKS) });
  expect(run.stderr).toBe('');
  expect({ killed: run.killed, code: run.code }).toEqual({ killed: false, code: 0 });
  const lines = run.stdout.split('\n');
  expect(run.stdout).not.toContain('\r'); // no redrawing outside a terminal

  const progress = lines.filter((l) => l.startsWith('['));
  expect(progress.at(-1)).toContain(`] ${TASKS}/${TASKS} `);

  // Tasks: each once, by its final outcome.
  const tasks = sum(line(lines, 'tasks'));
  expect(tasks.total).toBe(TASKS);
  const [completed, threw, timedOut, crashed, quarantined, cancelled, dropped] = tasks.terms;
  expect(tasks.terms.slice(0, 7).reduce((a, b) => a + b, 0)).toBe(TASKS);
  expect({ threw, cancelled, dropped }).toEqual({ threw: 20, cancelled: 0, dropped: 0 });
  expect(completed).toBeGreaterThan(0);

  // Runs that went wrong: each once, by cause; then split into retried and last attempts.
  const badIndex = lines.findIndex((l) => l.trimStart().startsWith('bad runs'));
  const bad = sum(lines[badIndex]!);
  const [threwRuns, hungRuns, , crashedRuns] = bad.terms; // the 200 of "200 ms timeout" is third
  expect(threwRuns! + hungRuns! + crashedRuns!).toBe(bad.total);
  const split = numbers(lines[badIndex + 1]!.split(' = ')[1]!);
  expect(split[0]! + split[1]!).toBe(bad.total);
  expect(split[1]).toBe(threw! + timedOut! + crashed! + quarantined!); // the tasks that did not complete
  // The hang is counted as a timeout, not hidden among crashes.
  expect(hungRuns).toBeGreaterThan(0);
  expect(timedOut).toBeGreaterThan(0);

  // Restarts, explained by the crashes behind them.
  const [restarts, crashes] = numbers(line(lines, 'restarts'));
  expect(restarts).toBe(crashes);
  expect(crashes).toBe(crashedRuns);
  expect(line(lines, 'restarts')).toContain('one per crash');

  expect(line(lines, 'outcomes:')).toContain(`${TASKS}/${TASKS}`);
  expect(line(lines, 'outcomes:')).toContain('counters conserve: yes');
  expect(line(lines, 'late answers dropped')).toContain('workers left after close: 0');
  expect(line(lines, "Pool 'hash'")).toContain('threads left after close: 0');
}, 40_000);
