import { describe, expect, it } from 'vitest';
import { INDEX_MASK, RunTable } from '../src/run-table.js';

/** A run of task `taskId`. */
const run = (taskId: number) => ({ taskId });

describe('RunTable', () => {
  it('gives each run in it its own id; an id once taken out names no run again', () => {
    const table = new RunTable<{ taskId: number }>();
    const a = table.freeId();
    const ra = run(1);
    table.put(a, ra);
    const b = table.freeId();
    const rb = run(2);
    table.put(b, rb);
    expect(a).not.toBe(b);
    expect(table.size).toBe(2);
    expect(table.get(a)).toBe(ra);

    expect(table.take(a)).toBe(ra);
    expect(table.take(a)).toBeUndefined();
    expect(table.get(a)).toBeUndefined();
    expect(table.size).toBe(1);
    const c = table.freeId();
    expect(c).not.toBe(a); // another generation …
    expect(c & INDEX_MASK).toBe(a & INDEX_MASK); // … of the same index: no growth
    const rc = run(3);
    table.put(c, rc);
    // An answer under the old id (a second one, or a late one) finds nothing.
    expect(table.take(a)).toBeUndefined();
    expect(table.get(b)).toBe(rb);
    expect(table.get(c)).toBe(rc);
  });

  it('tells whose run a taken-out id was, until another run under its index is taken out', () => {
    const table = new RunTable<{ taskId: number }>();
    const a = table.freeId();
    table.put(a, run(7));
    expect(table.takenTask(a)).toBeUndefined(); // still in flight
    table.take(a);
    expect(table.takenTask(a)).toBe(7);
    const b = table.freeId();
    table.put(b, run(8));
    expect(table.takenTask(a)).toBe(7); // its index has another run in flight now
    table.take(b);
    expect(table.takenTask(a)).toBeUndefined();
    expect(table.takenTask(b)).toBe(8);
    expect(table.takenTask(12345)).toBeUndefined();
  });

  it('stays as long as the most runs in it at once', () => {
    const table = new RunTable<{ taskId: number }>();
    for (let round = 0; round < 100; round++) {
      const ids = [0, 1, 2].map((n) => {
        const id = table.freeId();
        table.put(id, run(round * 3 + n));
        return id;
      });
      for (const id of ids) table.take(id);
    }
    expect(table.size).toBe(0);
    expect(table.freeId() & INDEX_MASK).toBeLessThan(3);
  });

  it('ids stay small integers: generations wrap', () => {
    const table = new RunTable<{ taskId: number }>();
    let id = 0;
    for (let i = 0; i < 2 ** 20 + 5; i++) {
      id = table.freeId();
      table.put(id, run(i));
      table.take(id);
    }
    expect(Number.isInteger(id)).toBe(true);
    expect(id).toBeLessThan(2 ** 30);
    expect(id & INDEX_MASK).toBe(0);
  });

  it('an id that is not a number finds nothing', () => {
    const table = new RunTable<{ taskId: number }>();
    table.put(table.freeId(), run(1));
    expect(table.take('0' as unknown as number)).toBeUndefined();
    expect(table.take(0.5)).toBeUndefined();
    expect(table.size).toBe(1);
  });

  it('clear hands back every run and empties it', () => {
    const table = new RunTable<{ taskId: number }>();
    const runs = [run(1), run(2), run(3)];
    const ids = runs.map((r) => {
      const id = table.freeId();
      table.put(id, r);
      return id;
    });
    table.take(ids[1]!);
    expect(table.clear()).toEqual([runs[0], runs[2]]);
    expect(table.size).toBe(0);
    expect(table.get(ids[0]!)).toBeUndefined();
  });
});
