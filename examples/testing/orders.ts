/**
 * A small user-defined system, as an app would have it: orders are charged by `payments` (a
 * fixed pool whose workers each hold a connection to a payment service), then confirmed by
 * `emails` (a pool that grows on demand and shrinks to nothing when idle), in a pipeline.
 * `orders.test.ts` beside it proves it with @troupe/testkit.
 */
import {
  createSystem,
  fromAsync,
  type Clock,
  type CheckedSpec,
  type SystemSpec,
  type TaskContext,
} from '@troupe/core';

export interface Order {
  readonly id: number;
  readonly cents: number;
}

/** The pools' options, without workers: what the test kit's conformance checks take. */
export const ordersShape = {
  pools: {
    payments: {
      size: 2,
      timeoutMs: 2_000,
      retry: { attempts: 2, backoff: { minMs: 50, maxMs: 50, jitter: 0 } },
      supervision: { maxRestarts: 3, withinMs: 10_000, backoff: { minMs: 10, maxMs: 1_000 } },
    },
    emails: { size: { min: 0, max: 3, idleTimeoutMs: 5_000 }, timeoutMs: 1_000 },
  },
  pipelines: { checkout: ['payments', 'emails'] },
  supervision: { maxRestarts: 2, withinMs: 60_000 },
} as const satisfies Omit<SystemSpec, 'pools'> & { pools: Record<string, object> };

/** Waits `ms` on `clock` (every delay of the app goes through it, so tests run it virtually). */
const wait = (clock: Clock, ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    const timer = clock.setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clock.clearTimeout(timer);
      reject(signal.reason as Error);
    });
  });

/** The orders system on `clock`: payments charge an order (50 ms), emails confirm it (20 ms). */
export function createOrders(clock: Clock) {
  const spec = {
    ...ordersShape,
    pools: {
      payments: {
        ...ordersShape.pools.payments,
        worker: fromAsync({
          setup: () => ({ charged: 0 }),
          run: async (order: Order, ctx: TaskContext<{ charged: number }>) => {
            await wait(clock, 50, ctx.signal);
            if (order.cents <= 0) throw new Error(`order ${order.id}: nothing to charge`);
            ctx.resource.charged += order.cents;
            return `receipt-${order.id}`;
          },
        }),
      },
      emails: {
        ...ordersShape.pools.emails,
        worker: async (receipt: string, ctx: TaskContext) => {
          await wait(clock, 20, ctx.signal);
          return `sent ${receipt}`;
        },
      },
    },
    clock,
  };
  return createSystem(spec as CheckedSpec<typeof spec>);
}
