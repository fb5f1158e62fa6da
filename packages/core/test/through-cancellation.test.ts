/**
 * Cancellation through `through`: unsubscribing, a downstream `take()` or a source error
 * cancels the tasks in flight with `ThroughUnsubscribed` as the cause.
 */
import { from, lastValueFrom, Subject, take, toArray, type Subscription } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  createPool,
  createVirtualClock,
  isErr,
  TaskCancelled,
  through,
  ThroughUnsubscribedError,
  type Pool,
  type TaskOutcome,
} from '@troupe/core';
import { expectConserved } from './support/conservation.js';
import { valueOf } from './support/results.js';
import { collect, doubler } from './support/through-harness.js';
import { settleWith } from './support/virtual-time.js';

describe('through: cancellation', () => {
  /** Records every outcome on results$. */
  function outcomes(pool: Pool<number, number>): TaskOutcome<number>[] {
    const seen: TaskOutcome<number>[] = [];
    pool.results$.subscribe((o) => seen.push(o));
    return seen;
  }
  const cancelledByUnsubscribe = (o: TaskOutcome<number>): boolean =>
    isErr(o.result) &&
    o.result.left instanceof TaskCancelled &&
    o.result.left.cause instanceof ThroughUnsubscribedError;

  it('unsubscribing cancels the tasks in flight (cause ThroughUnsubscribedError) and launches nothing more', async () => {
    const { clock, pool } = await doubler({ size: 1 });
    const seen = outcomes(pool);
    const sub: Subscription = from([100, 100, 100, 100, 100])
      .pipe(through(pool, { concurrency: 2 }))
      .subscribe();
    await clock.advance(50);
    expect(pool.getSnapshot().metrics).toMatchObject({ submitted: 2, active: 1, queued: 1 });
    sub.unsubscribe();
    expect(seen).toHaveLength(2); // settled at once, the running one too
    expect(seen.every(cancelledByUnsubscribe)).toBe(true);
    const first = seen[0]!.result;
    expect(isErr(first) && (first.left.cause as Error).name).toBe('ThroughUnsubscribedError');
    await clock.advance(1_000);
    const m = pool.getSnapshot().metrics;
    expect(m).toMatchObject({ submitted: 2, cancelled: 2, completed: 0 });
    expectConserved(m);
    await pool.close();
  });

  it('the running task is told to stop through its signal', async () => {
    const clock = createVirtualClock();
    const reasons: unknown[] = [];
    const pool = createPool({
      worker: (_: number, ctx) =>
        new Promise<number>((_resolve, reject) => {
          ctx.signal.addEventListener('abort', () => {
            reasons.push(ctx.signal.reason);
            reject(ctx.signal.reason as Error);
          });
        }),
      clock,
    }).start();
    await clock.flush();
    const sub = from([1, 2]).pipe(through(pool)).subscribe();
    await clock.flush();
    sub.unsubscribe();
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toBeInstanceOf(ThroughUnsubscribedError);
    await clock.flush();
    expect(pool.getSnapshot().metrics).toMatchObject({ cancelled: 2, active: 0, queued: 0 });
    await pool.close();
  });

  it('a downstream take() unsubscribes: the rest in flight are cancelled', async () => {
    const { clock, pool } = await doubler({ size: 3 });
    const seen = outcomes(pool);
    // Default concurrency: 3 + min(3, capacity) = 6, so all five are in the pool.
    const results = await collect(clock, from([10, 20, 30, 40, 50]).pipe(through(pool), take(1)));
    expect(results.map(valueOf)).toEqual([20]);
    await clock.advance(1_000);
    expect(seen.filter(cancelledByUnsubscribe)).toHaveLength(4);
    expect(pool.getSnapshot().metrics).toMatchObject({ submitted: 5, completed: 1, cancelled: 4 });
    await pool.close();
  });

  it('a source error is passed on at once and cancels the tasks in flight', async () => {
    const { clock, pool } = await doubler({ size: 2 });
    const seen = outcomes(pool);
    const source = new Subject<number>();
    const emitted: unknown[] = [];
    let error: unknown;
    source.pipe(through(pool, { concurrency: 3 })).subscribe({
      next: (r) => emitted.push(valueOf(r)),
      error: (e: unknown) => (error = e),
    });
    source.next(10);
    source.next(100);
    source.next(100);
    source.next(100); // waits in the operator until the 10 is done
    source.next(100); // still waits
    await clock.advance(10);
    expect(emitted).toEqual([20]);
    expect(pool.getSnapshot().metrics.submitted).toBe(4);
    const boom = new Error('source broke');
    source.error(boom);
    expect(error).toBe(boom);
    expect(seen.filter(cancelledByUnsubscribe)).toHaveLength(3);
    await clock.advance(1_000);
    expect(emitted).toEqual([20]);
    const m = pool.getSnapshot().metrics;
    expect(m).toMatchObject({ submitted: 4, completed: 1, cancelled: 3 }); // the 5th never ran
    expectConserved(m);
    await pool.close();
  });

  it('each subscription has its own tasks: unsubscribing one leaves the other alone', async () => {
    const { clock, pool } = await doubler({ size: 4 });
    const operator = through(pool);
    const a = from([10, 10]).pipe(operator).subscribe();
    const b = lastValueFrom(from([10, 10]).pipe(operator, toArray()));
    await clock.flush();
    a.unsubscribe();
    const results = await settleWith(clock, b);
    expect(results.map(valueOf)).toEqual([20, 20]);
    expect(pool.getSnapshot().metrics).toMatchObject({ completed: 2, cancelled: 2 });
    await pool.close();
  });
});
