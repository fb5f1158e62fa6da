/**
 * The `through(pool, options)` RxJS operator: one task per source item, results as `Either`s,
 * in source order or as they settle, with at most `concurrency` items in the pool at once.
 * Worker durations come from the virtual clock, so "later items finish first" is exact.
 * Cancellation and the property test have their own files.
 */
import { EMPTY, from, lastValueFrom, Subject, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  createPool,
  createVirtualClock,
  InvalidOptionError,
  isErr,
  isOk,
  TaskFailed,
  through,
  type ThroughOptions,
} from '@troupe/core';
import { valueOf } from './support/results.js';
import { collect, counting, doubler } from './support/through-harness.js';
import { after, settleWith } from './support/virtual-time.js';

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

describe('through: a re-entrant source and workers still starting', () => {
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
  it('ordered: a source that completes on seeing a result still gets the results held behind it', async () => {
    const { clock, pool } = await doubler({ size: 2 });
    const source = new Subject<number>();
    const seen: unknown[] = [];
    let completed = false;
    source.pipe(through(pool, { ordered: true })).subscribe({
      next: (result) => {
        seen.push(valueOf(result));
        source.complete(); // the first result ends the source (a feedback loop)
      },
      complete: () => (completed = true),
    });
    source.next(30); // settles last, so 5's result waits for it
    source.next(5);
    await clock.advance(30);
    expect(seen).toEqual([60, 10]);
    expect(completed).toBe(true);
    await pool.close();
  });
});
