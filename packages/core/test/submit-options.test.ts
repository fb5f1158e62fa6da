/**
 * Per-task options as `submit`, `run` and `submitMany` read them: a removed option is refused
 * (naming it), not silently ignored.
 */
import { describe, expect, it } from 'vitest';
import { createPool, isErr, type SubmitOptions } from '@troupe/core';

/** Options as a caller written against an older release may still pass them. */
const withKey = { key: 'tenant-7' } as unknown as SubmitOptions;

describe('SubmitOptions', () => {
  it('refuses `key` (removed: nothing read it) with invalid-input, naming it', async () => {
    const pool = createPool({ worker: async (n: number) => n, size: 1 }).start();
    const submitted = await pool.submit(1, withKey);
    expect(isErr(submitted) && submitted.left._tag).toBe('TaskRejected');
    expect(isErr(submitted) && submitted.left.message).toMatch(/^key is not a submit option/);
    await expect(pool.run(2, withKey)).rejects.toMatchObject({ reason: 'invalid-input' });
    const many = await pool.submitMany([3, 4], withKey);
    expect(many.every((r) => isErr(r) && r.left.message.startsWith('key is not'))).toBe(true);
    expect(await pool.run(5, { id: 'still-fine' })).toBe(5);
    await pool.close();
  });
});
