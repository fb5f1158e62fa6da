/**
 * Any thrown value is carried, never fatal: a task that throws (or rejects with) `null`,
 * `undefined`, a string, a null-prototype object, an object that cannot be printed, a Proxy that
 * throws on every trap or a circular `cause` chain settles `TaskFailed` with that very value as
 * `cause`; a setup that throws one crashes its worker as any setup failure does, and a pool whose
 * restart limit is passed ends `failed` (its actor never in XState's `error` status) and closes.
 */
import { describe, expect, it } from 'vitest';
import { createPool, createVirtualClock, isErr, PoolFailedError, TaskFailed } from '@troupe/core';
import { hostileValues } from './support/hostile.js';
import { settled, tagOf } from './support/observe.js';

describe('thrown values', () => {
  for (const [name, value] of hostileValues()) {
    it(`a task that throws ${name} settles TaskFailed carrying it`, async () => {
      const clock = createVirtualClock();
      const pool = createPool<string, string>({
        worker: (how) => {
          if (how === 'throw') throw value;
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the point of the test
          if (how === 'reject') return Promise.reject(value);
          return how;
        },
        clock,
      });
      pool.start();
      await clock.flush();
      for (const how of ['throw', 'reject']) {
        const result = await settled(pool.submit(how));
        expect(isErr(result) && result.left).toBeInstanceOf(TaskFailed);
        expect(isErr(result) && result.left.cause).toBe(value);
        expect(typeof (isErr(result) && result.left.message)).toBe('string');
        await expect(settled(pool.run(how))).rejects.toBeInstanceOf(TaskFailed);
      }
      expect(await settled(pool.run('fine'))).toBe('fine');
      expect(pool.getSnapshot().metrics).toMatchObject({ failed: 4, completed: 1, crashes: 0 });
      await settled(pool.close());
    });

    it(`a setup that throws ${name} crashes its worker; past the limit the pool fails and closes`, async () => {
      const clock = createVirtualClock();
      const crashes: unknown[] = [];
      const pool = createPool<string, string>({
        worker: {
          kind: 'async',
          setup: () => {
            throw value;
          },
          run: (input: string) => input,
        },
        clock,
        supervision: { maxRestarts: 2, withinMs: 10_000, backoff: { minMs: 1, maxMs: 1 } },
      });
      pool.events$.subscribe((e) => {
        if (e.type === 'worker.crashed') crashes.push(e.cause);
      });
      pool.start();
      await clock.advance(100);
      // (Compared by identity: a Proxy that throws on every trap defeats deep equality.)
      expect(crashes.length).toBe(3);
      expect(crashes.every((cause) => cause === value)).toBe(true);
      const snapshot = pool.getSnapshot();
      expect(snapshot.state).toBe('failed');
      expect(snapshot.failure).toBeInstanceOf(PoolFailedError);
      expect(snapshot.failure?.cause).toBe(value);
      expect(typeof snapshot.failure?.message).toBe('string');
      expect(pool.actor.getSnapshot().status).toBe('active');
      expect(tagOf(await settled(pool.submit('x')))).toBe('TaskRejected');
      await settled(pool.close());
      expect(pool.getSnapshot().state).toBe('stopped');
    });
  }
});
