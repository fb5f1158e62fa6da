/**
 * Proving the orders system with @troupe/testkit, as a user's suite would: its own workers on a
 * test clock under bursty load, and Troupe's promises checked on its configuration with
 * thousands of interleavings of submits, aborts, crashes, resizes and closes.
 */
import fc from 'fast-check';
import { firstValueFrom, of } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { createPool, createSystem, isOk } from '@troupe/core';
import {
  arbLoad,
  arbTaskBehaviour,
  checkPool,
  checkSystem,
  createTestClock,
  disposeTestClocks,
  playLoad,
  replay,
  type CheckedPoolOptions,
} from '@troupe/testkit';
import { createOrders, ordersShape, type Order } from './orders.js';

// No test leaves a timer to the next: a pool or a system left open fails here, by name.
afterEach(() => disposeTestClocks());

describe('the orders system', () => {
  it('checks out every order of a bursty load, in virtual time', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbLoad({
          behaviour: arbTaskBehaviour({
            weights: { throw: 0, hang: 0, crash: 0, 'settle-twice': 0 },
          }),
        }),
        async (load) => {
          using clock = createTestClock();
          const orders = createOrders(clock);
          await clock.runUntilSettled(orders.start());
          const checkout = orders.pipeline('checkout');
          const results = await playLoad(load, clock, (task) =>
            firstValueFrom(checkout.process(of<Order>({ id: task.id, cents: 100 + task.id }))),
          );
          await clock.runUntilSettled(Promise.all(results));
          await clock.runUntilSettled(orders.close());
          for (const [i, result] of (await Promise.all(results)).entries())
            expect(isOk(result) && result.right).toBe(`sent receipt-${i + 1}`);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('refuses an order with nothing to charge, after one retry', async () => {
    using clock = createTestClock();
    const orders = createOrders(clock);
    await clock.runUntilSettled(orders.start());
    const result = await clock.runUntilSettled(orders.pool('payments').submit({ id: 1, cents: 0 }));
    expect(result).toMatchObject({ left: { _tag: 'TaskFailed' } });
    // Charged twice (50 ms each), 50 ms apart: 150 ms of virtual time, none of real time.
    expect(orders.pool('payments').getSnapshot().metrics.retries).toBe(1);
    expect(clock.now()).toBe(150);
    await clock.runUntilSettled(orders.close());
  });

  it("keeps Troupe's promises: the system under faults (checkSystem)", async () => {
    const report = await checkSystem(createSystem, { spec: ordersShape, runs: 100, seed: 42 });
    expect(report.failure).toBeUndefined();
  });

  it("keeps Troupe's promises: the payments pool's configuration (checkPool)", async () => {
    const payments: CheckedPoolOptions = ordersShape.pools.payments;
    const report = await checkPool((options) => createPool({ ...options, name: 'payments' }), {
      options: payments,
      runs: 200,
      seed: 42,
    });
    expect(report.failure).toBeUndefined();
    // A failure would throw a ConformanceError printing the shrunk trace; `replay` plays one
    // again, e.g. a trace kept as a regression test:
    expect(
      await replay(
        {
          subject: 'pool',
          options: payments,
          randomSeed: 0,
          steps: [{ op: 'start' }, { op: 'crash', index: 0 }],
        },
        createPool,
      ),
    ).toBeUndefined();
  });
});
