import { describe, expect, it } from 'vitest';
import { createPool, isOk } from '@troupe/core';

describe('smoke', () => {
  it('runs tasks', async () => {
    const pool = createPool({ worker: async (n: number) => n * 2, size: 2 }).start();
    const rs = await Promise.all([1, 2, 3, 4, 5].map((n) => pool.submit(n)));
    expect(rs.map((r) => (isOk(r) ? r.right : -1))).toEqual([2, 4, 6, 8, 10]);
    console.log(pool.getSnapshot());
    await pool.close();
    expect(pool.getSnapshot().state).toBe('stopped');
  });
});
