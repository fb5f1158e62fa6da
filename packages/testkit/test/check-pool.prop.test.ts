import { describe, expect, it } from 'vitest';
import { createPool } from '@troupe/core';
import { arbPoolOptions, checkPool, ConformanceError, formatCoverage } from '@troupe/testkit';

describe('checkPool on Troupe pools', () => {
  it('a fixed pool of 2 keeps every promise', async () => {
    const report = await checkPool(createPool, { options: { size: 2 }, runs: 200, seed: 1 }).catch(
      (e: unknown) => {
        if (e instanceof ConformanceError) console.log(e.message);
        throw e;
      },
    );
    void formatCoverage;
    expect(report.failure).toBeUndefined();
  });
  it('any valid options keep every promise', async () => {
    const report = await checkPool(createPool, {
      options: arbPoolOptions(),
      runs: 300,
      seed: 2,
    }).catch((e: unknown) => {
      if (e instanceof ConformanceError) console.log(e.message);
      throw e;
    });
    expect(report.failure).toBeUndefined();
  });
});
