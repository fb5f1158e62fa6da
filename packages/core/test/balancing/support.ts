/** Pools for balancer tests, started and awaited until running. */
import { filter, firstValueFrom } from 'rxjs';
import { createPool, type PoolOptions, type TaskSink } from '@troupe/core';

/** Resolves once `sink` is running. */
export const running = (
  sink: TaskSink<unknown, unknown> | TaskSink<never, unknown>,
): Promise<unknown> =>
  firstValueFrom((sink as TaskSink<unknown, unknown>).state$.pipe(filter((s) => s === 'running')));

/** A started pool of `size` echoing workers that counts the inputs it ran. */
export async function echoPool(
  name: string,
  size: number,
  more: Partial<PoolOptions<number, number>> = {},
) {
  const ran: number[] = [];
  const pool = createPool<number, number>({
    name,
    size,
    worker: async (x: number) => {
      ran.push(x);
      return x;
    },
    queue: { capacity: Infinity },
    ...more,
  }).start();
  await running(pool);
  return { pool, ran };
}
