/** The four pool kinds by name are createPool with the matching options, nothing more. */
import { describe, expect, it } from 'vitest';
import {
  batchPool,
  createVirtualClock,
  dynamicPool,
  fixedPool,
  InvalidOptionError,
  priorityPool,
} from '@troupe/core';

describe('presets', () => {
  it('fixedPool has exactly `size` workers', async () => {
    const pool = fixedPool({ worker: (n: number) => n + 1, size: 3 }).start();
    expect(await pool.run(1)).toBe(2);
    expect(pool.getSnapshot().size).toBe(3);
    await pool.close();
  });

  it('dynamicPool starts at min and grows to max on demand', async () => {
    const clock = createVirtualClock();
    const pool = dynamicPool({
      clock,
      min: 1,
      max: 4,
      idleTimeoutMs: 100,
      worker: (n: number) =>
        new Promise<number>((resolve) => clock.setTimeout(() => resolve(n), 10)),
    }).start();
    await clock.flush();
    expect(pool.getSnapshot().size).toBe(1);
    const all = pool.submitMany([1, 2, 3, 4, 5, 6]);
    await clock.flush();
    expect(pool.getSnapshot().size).toBe(4);
    await clock.advance(20);
    await all;
    await pool.close();
  });

  it('priorityPool runs higher levels first and checks its levels', async () => {
    const clock = createVirtualClock();
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const pool = priorityPool({
      clock,
      levels: 2,
      worker: async (name: string) => {
        if (name === 'first') await gate;
        order.push(name);
      },
    }).start();
    await clock.flush();
    const first = pool.submit('first');
    const low = pool.submit('low', { priority: 0 });
    const high = pool.submit('high', { priority: 1 });
    const bad = await pool.submit('bad', { priority: 2 });
    release();
    await Promise.all([first, low, high]);
    expect(order).toEqual(['first', 'high', 'low']);
    expect(bad._tag === 'Left' && bad.left._tag).toBe('TaskRejected');
    expect(() => priorityPool({ worker: (s: string) => s, levels: 0 })).toThrow(InvalidOptionError);
    await pool.close();
  });

  it('batchPool hands the worker arrays', async () => {
    const clock = createVirtualClock();
    const pool = batchPool({
      clock,
      batch: { size: 2, maxWaitMs: 5 },
      worker: (inputs: number[]) => inputs.map((n) => n * inputs.length),
    }).start();
    await clock.flush();
    const results = await Promise.all([pool.run(1), pool.run(2)]);
    expect(results).toEqual([2, 4]);
    await pool.close();
  });
});
