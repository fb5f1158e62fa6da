/** Shared helpers of the worker-thread suite: fixture modules, pool events, the live-thread check. */
import { afterAll, expect } from 'vitest';
import { filter, firstValueFrom } from 'rxjs';
import type { Pool, PoolEvent } from '@troupe/core';
import { threadStats } from '@troupe/threads';

/** The URL of a fixture worker module in `test/threads/fixtures/`. */
export const fixture = (name: string): URL => new URL(`../fixtures/${name}`, import.meta.url);

/** Registers the suite-wide check: once a file's pools are closed, no thread is left alive. */
export function expectNoThreadLeftAfterAll(): void {
  afterAll(() => {
    expect(threadStats().live).toBe(0);
  });
}

/** Resolves with the next `events$` event of `type` (subscribe before causing it). */
export function nextEvent<T extends PoolEvent['type']>(
  pool: Pool<unknown, unknown>,
  type: T,
): Promise<Extract<PoolEvent, { type: T }>> {
  return firstValueFrom(
    pool.events$.pipe(
      filter((event): event is Extract<PoolEvent, { type: T }> => event.type === type),
    ),
  );
}
