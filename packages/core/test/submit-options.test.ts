/**
 * Per-task options as `submit`, `run` and `submitMany` read them: `key` is for a balancer in
 * front; a pool checks it is a string and otherwise ignores it.
 */
import { describe, expect, it } from 'vitest';
import { createPool, isErr, type SubmitOptions } from '@troupe/core';

describe('SubmitOptions', () => {
  it('accepts a string `key` and ignores it', async () => {
    const pool = createPool({ worker: async (n: number) => n, size: 1 }).start();
    expect(await pool.run(1, { key: 'tenant-7' })).toBe(1);
    const many = await pool.submitMany([3, 4], { key: 'tenant-7' });
    expect(many.map((r) => !isErr(r) && r.right)).toEqual([3, 4]);
    await pool.close();
  });

  it('refuses a `key` that is not a string with invalid-input, naming it', async () => {
    const pool = createPool({ worker: async (n: number) => n, size: 1 }).start();
    const bad = { key: 7 } as unknown as SubmitOptions;
    const submitted = await pool.submit(1, bad);
    expect(isErr(submitted) && submitted.left.message).toBe('key must be a string (got 7)');
    await expect(pool.run(2, bad)).rejects.toMatchObject({ reason: 'invalid-input' });
    await pool.close();
  });

  it('a batch pool takes a string `key` per item (a balancer in front reads it)', async () => {
    const pool = createPool({
      worker: async (xs: number[]) => xs,
      size: 1,
      batch: { size: 2, maxWaitMs: 1 },
    }).start();
    expect(await pool.run(5, { key: 'k' })).toBe(5);
    await pool.close();
  });
});
