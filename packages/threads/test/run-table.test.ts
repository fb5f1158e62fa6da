import { describe, expect, it } from 'vitest';
import { RunTable } from '../src/run-table.js';

describe('RunTable', () => {
  it('gives each run in it its own id, and an id again only once its run is taken out', () => {
    const table = new RunTable<string>();
    const a = table.freeId();
    table.put(a, 'a');
    const b = table.freeId();
    table.put(b, 'b');
    expect(a).not.toBe(b);
    expect(table.size).toBe(2);
    expect(table.get(a)).toBe('a');

    expect(table.take(a)).toBe('a');
    expect(table.take(a)).toBeUndefined();
    expect(table.get(a)).toBeUndefined();
    expect(table.size).toBe(1);
    const c = table.freeId();
    expect(c).toBe(a); // reused: no growth while in flight stays the same
    table.put(c, 'c');
    expect(table.get(b)).toBe('b');
    expect(table.get(c)).toBe('c');
  });

  it('stays as long as the most runs in it at once', () => {
    const table = new RunTable<number>();
    for (let round = 0; round < 100; round++) {
      const ids = [0, 1, 2].map((n) => {
        const id = table.freeId();
        table.put(id, round * 3 + n);
        return id;
      });
      for (const id of ids) table.take(id);
    }
    expect(table.size).toBe(0);
    expect(table.freeId()).toBeLessThan(3);
  });

  it('clear hands back every run and empties it', () => {
    const table = new RunTable<string>();
    for (const run of ['x', 'y', 'z']) table.put(table.freeId(), run);
    table.take(1);
    expect(table.clear().sort()).toEqual(['x', 'z']);
    expect(table.size).toBe(0);
    expect(table.get(0)).toBeUndefined();
  });
});
