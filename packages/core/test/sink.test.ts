/**
 * `TaskSink`: what anything that takes tasks offers. A pool is one; `through` takes any, so a
 * balancer or a remote pool that implements it serves a stream as a pool does.
 */
import { BehaviorSubject, from, lastValueFrom, Subject, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  createPool,
  ok,
  through,
  unwrap,
  type PoolState,
  type TaskOutcome,
  type TaskResult,
  type TaskSink,
} from '@troupe/core';

/** A sink that is not a pool: it answers `n * 10` a microtask later and counts what it holds. */
function tenfold(): TaskSink<number, number> & { readonly peak: number } {
  let inFlight = 0;
  let peak = 0;
  const results$ = new Subject<TaskOutcome<number>>();
  const state$ = new BehaviorSubject<PoolState>('running');
  const pool = createPool({ worker: async (n: number) => n });
  const metrics = pool.getSnapshot().metrics; // a zeroed snapshot, for its shape
  let next = 0;
  const submit = async (n: number): Promise<TaskResult<number>> => {
    const taskId = ++next;
    inFlight++;
    peak = Math.max(peak, inFlight);
    await Promise.resolve();
    inFlight--;
    const result = ok(n * 10);
    results$.next({ taskId, result });
    return result;
  };
  return {
    name: 'tenfold',
    capacity: 2,
    submit,
    run: async (n) => unwrap(await submit(n)),
    submitMany: (inputs) => Promise.all([...inputs].map((n) => submit(n))),
    state$,
    results$,
    metrics$: new BehaviorSubject(metrics),
    getSnapshot: () => ({ state: state$.value, size: 1, metrics }),
    onIdle: async () => {},
    close: async () => {
      state$.next('stopped');
      state$.complete();
      results$.complete();
    },
    get peak() {
      return peak;
    },
  };
}

describe('TaskSink', () => {
  it('a pool is one', async () => {
    const pool = createPool({ worker: async (n: number) => n + 1 }).start();
    const sink: TaskSink<number, number> = pool;
    expect(await sink.run(1)).toBe(2);
    expect(sink.getSnapshot().state).toBe('running');
    await sink.close();
  });

  it('through feeds any sink, within its size and capacity', async () => {
    const sink = tenfold();
    const out = await lastValueFrom(
      from([1, 2, 3, 4, 5, 6]).pipe(through(sink, { ordered: true }), toArray()),
    );
    expect(out.map((r) => unwrap(r))).toEqual([10, 20, 30, 40, 50, 60]);
    // size 1 + capacity 2: through never holds more in the sink than it can run and queue.
    expect(sink.peak).toBeLessThanOrEqual(3);
    expect(sink.peak).toBeGreaterThan(1);
    await sink.close();
  });
});
