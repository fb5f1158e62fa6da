/** Exported counters only go up: by what a source's cumulative figure went up, never by less than 0. */
import { describe, expect, it } from 'vitest';
import { Tally } from '../src/tally.js';

describe('Tally', () => {
  it('gives the increase since the last reading; a lower reading adds nothing and is the new base', () => {
    const tally = new Tally(2, 1, 3);
    expect(tally.increase(0, 5)).toBe(5);
    expect(tally.increase(0, 5)).toBe(0);
    expect(tally.increase(0, 8)).toBe(3);
    expect(tally.increase(0, 6)).toBe(0); // a balancer lost a member's figures
    expect(tally.increase(0, 7)).toBe(1);
    expect(tally.increase(1, 2)).toBe(2); // each slot on its own
  });

  it('counts a new source from 0 after a restart, keeping the histogram totals', () => {
    const tally = new Tally(1, 1, 3);
    tally.increase(0, 10);
    const h = tally.histogram(0);
    h.reading.set([1, 4, 0.5]);
    h.advance();
    tally.restart();
    expect(tally.increase(0, 2)).toBe(2);
    h.reading.set([0, 1, 0.1]);
    h.advance();
    expect([...h.total]).toEqual([1, 5, 0.6]);
  });
});
