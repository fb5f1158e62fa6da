/**
 * The `through(pool, options)` RxJS operator: one task per source item, results as `Either`s,
 * in source order or as they settle, with at most `concurrency` items in the pool at once.
 * Worker durations come from the virtual clock, so "later items finish first" is exact.
 */
import fc from 'fast-check';
import {
  EMPTY,
  from,
  lastValueFrom,
  Subject,
  take,
  toArray,
  type Observable,
  type Subscription,
} from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  createPool,
  createVirtualClock,
  InvalidOptionError,
  isErr,
  isOk,
  TaskCancelled,
  TaskFailed,
  through,
  ThroughUnsubscribed,
  type Pool,
  type PoolMetrics,
  type TaskOutcome,
  type TaskResult,
  type ThroughOptions,
  type VirtualClock,
} from '@troupe/core';

const valueOf = (r: TaskResult<unknown>): unknown => (isOk(r) ? r.right : r.left._tag);

/** Resolves with `value` after `ms` of virtual time. */
const after = <T>(clock: VirtualClock, ms: number, value: T): Promise<T> =>
  new Promise<T>((resolve) => clock.setTimeout(() => resolve(value), ms));

/** Advances the virtual clock step by step until `promise` settles (bounded). */
async function settleWith<T>(
  clock: VirtualClock,
  promise: Promise<T>,
  stepMs = 10,
  maxSteps = 1_000,
): Promise<T> {
  let done = false;
  void promise.finally(() => (done = true)).catch(() => undefined);
  for (let i = 0; i < maxSteps && !done; i++) await clock.advance(stepMs);
  if (!done) throw new Error('promise did not settle in virtual time');
  return promise;
}

/** Everything the operator emits, collected on the virtual clock. */
const collect = <T>(clock: VirtualClock, source: Observable<T>): Promise<T[]> =>
  settleWith(clock, lastValueFrom(source.pipe(toArray())));

/** `submitted = completed + failed + crashed + timedOut + cancelled + dropped + waiting + queued + retrying + active`. */
function expectConserved(m: PoolMetrics): void {
  const parts = [
    m.completed,
    m.failed,
    m.crashed,
    m.timedOut,
    m.cancelled,
    m.dropped,
    m.waiting,
    m.queued,
    m.retrying,
    m.active,
  ];
  expect(parts.every((n) => n >= 0)).toBe(true);
  expect(parts.reduce((a, b) => a + b, 0)).toBe(m.submitted);
}

/**
 * A started pool on the virtual clock whose worker returns `n * 2` after `n` ms (or `ms(n)`),
 * with every worker ready; `running` counts the tasks on workers now, `maxRunning` the most.
 */
async function doubler(
  options: { size?: number; capacity?: number; ms?: (n: number) => number } = {},
) {
  const clock = createVirtualClock();
  const ms = options.ms ?? ((n: number) => n);
  const stats = { running: 0, maxRunning: 0 };
  const pool = createPool({
    worker: async (n: number) => {
      stats.maxRunning = Math.max(stats.maxRunning, ++stats.running);
      try {
        return await after(clock, ms(n), n * 2);
      } finally {
        stats.running--;
      }
    },
    size: options.size ?? 1,
    queue: { capacity: options.capacity ?? 10_000 },
    clock,
  }).start();
  await clock.flush();
  return { clock, pool, stats };
}

/**
 * The pool seen through a proxy that counts what has been submitted and not yet settled (what
 * the operator has in the pool), and the most there ever were.
 */
function counting<TInput, TOutput>(pool: Pool<TInput, TOutput>) {
  const stats = { inFlight: 0, maxInFlight: 0 };
  const proxy = new Proxy(pool, {
    get(target, prop) {
      if (prop === 'submit') {
        return (input: TInput, options?: Parameters<Pool<TInput, TOutput>['submit']>[1]) => {
          stats.maxInFlight = Math.max(stats.maxInFlight, ++stats.inFlight);
          return target.submit(input, options).finally(() => stats.inFlight--);
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
  return { proxy, stats };
}

describe('through: results', () => {
  it('submits each item and emits its result; failures are Left values, not stream errors', async () => {
    const clock = createVirtualClock();
    const pool = createPool({
      worker: async (n: number) => {
        await after(clock, 5, undefined);
        if (n < 0) throw new Error(`negative ${n}`);
        return n * 2;
      },
      size: 2,
      clock,
    }).start();
    const results = await collect(clock, from([1, -2, 3]).pipe(through(pool, { ordered: true })));
    expect(results.map(valueOf)).toEqual([2, 'TaskFailed', 6]);
    const failed = results[1]!;
    expect(isErr(failed) && failed.left).toBeInstanceOf(TaskFailed);
    expect(pool.getSnapshot().metrics).toMatchObject({ submitted: 3, completed: 2, failed: 1 });
    await pool.close();
  });

  it('works with synchronous workers', async () => {
    const pool = createPool({ worker: (n: number) => n * 2, size: 2 }).start();
    const results = await lastValueFrom(
      from([1, 2, 3, 4, 5]).pipe(through(pool, { ordered: true }), toArray()),
    );
    expect(results.map(valueOf)).toEqual([2, 4, 6, 8, 10]);
    await pool.close();
  });

  it('ordered: true emits in source order though later items finish first', async () => {
    const { clock, pool } = await doubler({ size: 3 });
    const seen: unknown[] = [];
    let done = false;
    from([30, 10, 20])
      .pipe(through(pool, { ordered: true }))
      .subscribe({ next: (r) => seen.push(valueOf(r)), complete: () => (done = true) });
    await clock.advance(10);
    expect([seen, pool.getSnapshot().metrics.completed]).toEqual([[], 1]); // 10 waits for 30
    await clock.advance(10);
    expect([seen, pool.getSnapshot().metrics.completed]).toEqual([[], 2]);
    expect(done).toBe(false);
    await clock.advance(10);
    expect(seen).toEqual([60, 20, 40]);
    expect(done).toBe(true);
    await pool.close();
  });

  it('unordered (the default) emits as results settle', async () => {
    const { clock, pool } = await doubler({ size: 3 });
    const seen: unknown[] = [];
    from([30, 10, 20])
      .pipe(through(pool))
      .subscribe((r) => seen.push(valueOf(r)));
    await clock.advance(10);
    expect(seen).toEqual([20]);
    await clock.advance(10);
    expect(seen).toEqual([20, 40]);
    await clock.advance(10);
    expect(seen).toEqual([20, 40, 60]);
    await pool.close();
  });

  it('submit options apply to every item', async () => {
    const { clock, pool } = await doubler({ size: 2 });
    const results = await collect(
      clock,
      from([10, 100, 20]).pipe(through(pool, { ordered: true, submit: { timeoutMs: 50 } })),
    );
    expect(results.map(valueOf)).toEqual([20, 'TaskTimedOut', 40]);
    await settleWith(clock, pool.close());
  });
});

describe('through: completion', () => {
  it('completes after the source completes and every result is out', async () => {
    const { clock, pool } = await doubler({ size: 2 });
    const source = new Subject<number>();
    const seen: unknown[] = [];
    let done = false;
    source.pipe(through(pool)).subscribe({
      next: (r) => seen.push(valueOf(r)),
      complete: () => (done = true),
    });
    source.next(10);
    source.next(20);
    source.complete();
    await clock.advance(10);
    expect([seen, done]).toEqual([[20], false]);
    await clock.advance(10);
    expect([seen, done]).toEqual([[20, 40], true]);
    expect(pool.getSnapshot().metrics.cancelled).toBe(0); // completing cancels nothing
    await pool.close();
  });

  it('waits for the items held in the operator before it completes', async () => {
    const { clock, pool } = await doubler({ size: 1 });
    const results = await collect(
      clock,
      from([10, 10, 10, 10]).pipe(through(pool, { concurrency: 1 })),
    );
    expect(results.map(valueOf)).toEqual([20, 20, 20, 20]);
    expect(clock.now()).toBeGreaterThanOrEqual(40);
    await pool.close();
  });

  it('an empty source completes with nothing submitted', async () => {
    const { pool } = await doubler();
    expect(await lastValueFrom(EMPTY.pipe(through(pool), toArray()))).toEqual([]);
    expect(await lastValueFrom(from([]).pipe(through(pool, { ordered: true }), toArray()))).toEqual(
      [],
    );
    expect(pool.getSnapshot().metrics.submitted).toBe(0);
    await pool.close();
  });
});

describe('through: concurrency', () => {
  it('at most `concurrency` items are in the pool; the others wait in the operator', async () => {
    const { clock, pool, stats } = await doubler({ size: 4 });
    const seen: unknown[] = [];
    from([10, 10, 10, 10, 10, 10, 10])
      .pipe(through(pool, { concurrency: 2 }))
      .subscribe((r) => seen.push(valueOf(r)));
    await clock.flush();
    expect(pool.getSnapshot().metrics).toMatchObject({ submitted: 2, active: 2, queued: 0 });
    await clock.advance(10);
    expect(seen).toHaveLength(2);
    expect(pool.getSnapshot().metrics).toMatchObject({ submitted: 4, active: 2 });
    await clock.advance(30);
    expect(seen).toHaveLength(7);
    expect(stats.maxRunning).toBe(2); // though 4 workers were free
    await pool.close();
  });

  it.each([
    // [size, capacity, concurrency, items in the pool at most]
    [2, 10, undefined, 4], // default: size + min(size, capacity)
    [3, 1, undefined, 4],
    [1, 2, 100, 3], // never past size + capacity
    [2, 10, 3, 3],
  ])(
    'size %i, capacity %i, concurrency %s: at most %i items in the pool',
    async (size, capacity, concurrency, most) => {
      const { clock, pool } = await doubler({ size, capacity, ms: () => 10 });
      const { proxy, stats } = counting(pool);
      const options: ThroughOptions = concurrency === undefined ? {} : { concurrency };
      const outcome = lastValueFrom(
        from(Array.from({ length: 12 }, (_, i) => i)).pipe(through(proxy, options), toArray()),
      );
      await clock.flush();
      const m = pool.getSnapshot().metrics;
      expect(m.active + m.queued).toBe(most);
      const results = await settleWith(clock, outcome);
      expect(results.every(isOk)).toBe(true);
      expect(stats.maxInFlight).toBe(most);
      expect(pool.getSnapshot().metrics).toMatchObject({ completed: 12, rejected: 0 });
      await pool.close();
    },
  );
});

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
    o.result.left.cause instanceof ThroughUnsubscribed;

  it('unsubscribing cancels the tasks in flight (cause ThroughUnsubscribed) and launches nothing more', async () => {
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
    expect(isErr(first) && (first.left.cause as Error).name).toBe('ThroughUnsubscribed');
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
    expect(reasons[0]).toBeInstanceOf(ThroughUnsubscribed);
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

describe('through: options', () => {
  it.each([
    ['ordered', { ordered: 'yes' }],
    ['concurrency', { concurrency: 0 }],
    ['concurrency', { concurrency: 1.5 }],
    ['concurrency', { concurrency: -1 }],
    ['concurrency', { concurrency: '2' }],
    ['submit', { submit: { id: 'x' } }],
    ['submit', { submit: { signal: new AbortController().signal } }],
    ['through options', null],
  ])('invalid %s (%j) throws InvalidOptionError at call time', async (option, options) => {
    const pool = createPool({ worker: (n: number) => n });
    let thrown: unknown;
    try {
      through(pool, options as ThroughOptions);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidOptionError);
    expect((thrown as InvalidOptionError).option).toBe(option);
    expect(pool.getSnapshot().metrics.submitted).toBe(0);
    await pool.close();
  });
});

describe('through: property', () => {
  it('ordered output is the inputs mapped in order, unordered a permutation; the in-flight bound holds', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 25 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 5 }),
        fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
        fc.boolean(),
        async (inputs, size, capacity, concurrency, ordered) => {
          const { clock, pool, stats: running } = await doubler({ size, capacity });
          const { proxy, stats } = counting(pool);
          const options: ThroughOptions =
            concurrency === undefined ? { ordered } : { ordered, concurrency };
          const results = await collect(clock, from(inputs).pipe(through(proxy, options)));
          const out = results.map(valueOf);
          const expected = inputs.map((n) => n * 2);
          if (ordered) expect(out).toEqual(expected);
          else
            expect([...out].sort((a, b) => Number(a) - Number(b))).toEqual(
              [...expected].sort((a, b) => a - b),
            );
          const limit = Math.min(concurrency ?? size + Math.min(size, capacity), size + capacity);
          expect(stats.maxInFlight).toBeLessThanOrEqual(limit);
          expect(running.maxRunning).toBeLessThanOrEqual(Math.min(size, limit));
          await settleWith(clock, pool.onIdle());
          const m = pool.getSnapshot().metrics;
          expect(m).toMatchObject({
            submitted: inputs.length,
            completed: inputs.length,
            rejected: 0,
          });
          expectConserved(m);
          await pool.close();
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('through: regressions', () => {
  it('a re-entrant source does not jump the items waiting in the operator', async () => {
    const { clock, pool } = await doubler({ ms: () => 10 });
    const source = new Subject<number>();
    const seen: unknown[] = [];
    const started: number[] = [];
    const spy = new Proxy(pool, {
      get(target, prop) {
        if (prop === 'submit')
          return (input: number, options?: Parameters<typeof pool.submit>[1]) => {
            started.push(input);
            return target.submit(input, options);
          };
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    });
    let finished = false;
    let fed = false;
    source.pipe(through(spy, { ordered: true, concurrency: 1 })).subscribe({
      next: (result) => {
        seen.push(valueOf(result));
        if (!fed) {
          // Re-entrant: the first result feeds the source while 2 and 3 wait in the operator.
          fed = true;
          source.next(4);
          source.complete();
        }
      },
      complete: () => (finished = true),
    });
    source.next(1);
    source.next(2);
    source.next(3);
    for (let i = 0; i < 100 && !finished; i++) await clock.advance(10);
    expect(finished).toBe(true);
    expect(seen).toEqual([2, 4, 6, 8]);
    expect(started).toEqual([1, 2, 3, 4]);
    await pool.close();
  });

  it('does not get queue-full refusals while the workers are still starting', async () => {
    const clock = createVirtualClock();
    const pool = createPool({
      worker: (n: number) => after(clock, 1, n * 2),
      size: 2,
      queue: { capacity: 2 },
      clock,
    }).start(); // no flush: the workers are not ready yet
    const results = await collect(clock, from([1, 2, 3, 4, 5, 6]).pipe(through(pool)));
    expect(results.map(valueOf).sort((a, b) => Number(a) - Number(b))).toEqual([
      2, 4, 6, 8, 10, 12,
    ]);
    expect(pool.getSnapshot().metrics.rejected).toBeGreaterThan(0); // refused, then tried again
    await pool.close();
  });
});
