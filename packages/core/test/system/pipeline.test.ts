/**
 * `createPipeline`: items through stages of sinks, failures where they happen, backpressure over
 * the whole pipeline, cancellation, completion, source errors, stages that close.
 */
import { from, lastValueFrom, Observable, Subject, take, throwError, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  createBalancer,
  createPipeline,
  defaultMaxInFlight,
  isErr,
  TaskCancelled,
  TaskFailed,
  TaskRejected,
  ThroughUnsubscribedError,
  type PipelineOutcome,
  type TaskOutcome,
  type VirtualClock,
} from '@troupe/core';
import { expectConserved } from '../support/conservation.js';
import { settleWith } from '../support/virtual-time.js';
import { countedAsyncItems, countedItems, reads, scene, stagePool } from './support.js';

const collect = <T>(clock: VirtualClock, source: Observable<T>): Promise<T[]> =>
  settleWith(clock, lastValueFrom(source.pipe(toArray())));

const valueOf = (o: PipelineOutcome<unknown>): unknown =>
  isErr(o.result) ? `${o.stageName}:${o.result.left._tag}` : o.result.right;

describe('createPipeline', () => {
  it('runs each item through every stage, in a row, and emits the last stage’s output', async () => {
    const { clock, inFlight } = scene();
    const fetch = stagePool(clock, inFlight, { name: 'fetch', run: (n) => n + 1, size: 2 });
    const resize = stagePool(clock, inFlight, { name: 'resize', run: (n) => n * 10, size: 2 });
    const store = stagePool(clock, inFlight, { name: 'store', run: (n) => n - 3, size: 1 });
    await clock.flush();
    const ingest = createPipeline([fetch, resize, store], { name: 'ingest', ordered: true });
    const out = await collect(clock, ingest.process(from([1, 2, 3, 4])));
    expect(out.map((o) => o.result)).toEqual(
      [17, 27, 37, 47].map((right) => ({ _tag: 'Right', right })),
    );
    expect(out.map((o) => [o.index, o.stage, o.stageName])).toEqual([
      [0, 2, 'store'],
      [1, 2, 'store'],
      [2, 2, 'store'],
      [3, 2, 'store'],
    ]);
    for (const pool of [fetch, resize, store]) {
      expect(pool.getSnapshot().metrics).toMatchObject({ submitted: 4, completed: 4 });
      await pool.close();
    }
    expect(clock.pending()).toBe(0);
  });

  it('an item failing at stage k comes out as Left at k, with its input there, and skips the rest', async () => {
    const { clock, inFlight } = scene();
    const a = stagePool(clock, inFlight, { name: 'a', run: (n) => n + 1 });
    const b = stagePool(clock, inFlight, { name: 'b', run: (n) => n * 2, fails: (n) => n === 3 });
    const c = stagePool(clock, inFlight, { name: 'c', run: (n) => n });
    await clock.flush();
    const out = await collect(
      clock,
      createPipeline([a, b, c], { ordered: true }).process([1, 2, 3]),
    );
    expect(out.map(valueOf)).toEqual([4, 'b:TaskFailed', 8]);
    const failed = out[1]!;
    expect(failed).toMatchObject({ index: 1, stage: 1, stageName: 'b', input: 3 });
    expect(isErr(failed.result) && failed.result.left).toBeInstanceOf(TaskFailed);
    expect('input' in out[0]!).toBe(false);
    expect(c.getSnapshot().metrics.submitted).toBe(2); // c never saw the failed item
    await Promise.all([a.close(), b.close(), c.close()]);
  });

  it('unordered: outcomes as they come out; every item once', async () => {
    const { clock, inFlight } = scene();
    const slowFirst = stagePool(clock, inFlight, {
      name: 's',
      run: (n) => n,
      ms: (n) => (n === 0 ? 100 : 1),
      size: 3,
    });
    await clock.flush();
    const out = await collect(clock, createPipeline([slowFirst]).process([0, 1, 2]));
    expect(out.map((o) => o.index)).toEqual([1, 2, 0]);
    await slowFirst.close();
  });

  it('never has more than maxInFlight items inside; a pulled source is read no faster', async () => {
    const { clock, inFlight } = scene();
    const a = stagePool(clock, inFlight, { name: 'a', run: (n) => n, size: 4, ms: (n) => n % 7 });
    const b = stagePool(clock, inFlight, { name: 'b', run: (n) => n, size: 4, ms: (n) => n % 5 });
    await clock.flush();
    const r = reads();
    const items = Array.from({ length: 60 }, (_, i) => i);
    const pipeline = createPipeline([a, b], { maxInFlight: 5 });
    const out = await collect(
      clock,
      new Observable<PipelineOutcome<number>>((subscriber) =>
        pipeline.process(countedItems(items, r)).subscribe({
          next: (o) => {
            r.out++;
            subscriber.next(o);
          },
          complete: () => subscriber.complete(),
        }),
      ),
    );
    expect(out).toHaveLength(60);
    expect(r.maxAhead).toBe(5);
    expect(inFlight.max).toBeLessThanOrEqual(5);
    expect(r.closed).toBe(true);
    await Promise.all([a.close(), b.close()]);
  });

  it('the default bound is each stage’s workers and as many again, added up', async () => {
    const { clock, inFlight } = scene();
    const a = stagePool(clock, inFlight, { name: 'a', run: (n) => n, size: 2, ms: () => 50 });
    const b = stagePool(clock, inFlight, {
      name: 'b',
      run: (n) => n,
      size: 3,
      queue: { capacity: 1 },
      ms: () => 50,
    });
    await clock.flush();
    expect(defaultMaxInFlight([a, b])).toBe(2 + 2 + (3 + 1));
    const r = reads();
    const pipeline = createPipeline([a, b]);
    expect(pipeline.maxInFlight).toBeUndefined();
    const done = collect(
      clock,
      pipeline.process(
        countedItems(
          Array.from({ length: 30 }, (_, i) => i),
          r,
        ),
      ),
    );
    await clock.advance(1);
    expect(r.read).toBe(8);
    await done;
    await Promise.all([a.close(), b.close()]);
  });

  it('an async iterable is read only as room frees', async () => {
    const { clock, inFlight } = scene();
    const a = stagePool(clock, inFlight, { name: 'a', run: (n) => n * 2, size: 2, ms: () => 20 });
    await clock.flush();
    const r = reads();
    const outcomes = createPipeline([a], { maxInFlight: 3 }).process(
      countedAsyncItems([1, 2, 3, 4, 5, 6, 7], r),
    );
    const seen: number[] = [];
    const done = settleWith(
      clock,
      new Promise<void>((resolve) =>
        outcomes.subscribe({
          next: (o) => {
            r.out++;
            seen.push(o.result._tag === 'Right' ? o.result.right : -1);
          },
          complete: resolve,
        }),
      ),
    );
    await clock.flush();
    expect(r.read).toBe(3);
    await done;
    expect([...seen].sort((x, y) => x - y)).toEqual([2, 4, 6, 8, 10, 12, 14]);
    expect(r.maxAhead).toBeLessThanOrEqual(3);
    await a.close();
  });

  it('an Observable source: the stages never hold more than the bound; the rest waits before them', async () => {
    const { clock, inFlight } = scene();
    const a = stagePool(clock, inFlight, { name: 'a', run: (n) => n, size: 8, ms: () => 5 });
    const b = stagePool(clock, inFlight, { name: 'b', run: (n) => n, size: 8, ms: () => 9 });
    await clock.flush();
    const out = await collect(
      clock,
      createPipeline([a, b], { maxInFlight: 6 }).process(
        from(Array.from({ length: 50 }, (_, i) => i)),
      ),
    );
    expect(out).toHaveLength(50);
    expect(inFlight.max).toBe(6);
    await Promise.all([a.close(), b.close()]);
  });

  it('unsubscribing cancels what is in flight at every stage and stops reading the source', async () => {
    const { clock, inFlight } = scene();
    const a = stagePool(clock, inFlight, { name: 'a', run: (n) => n, size: 2, ms: () => 10 });
    const b = stagePool(clock, inFlight, { name: 'b', run: (n) => n, size: 2, ms: () => 100 });
    await clock.flush();
    const settled: TaskOutcome<number>[] = [];
    a.results$.subscribe((o) => settled.push(o));
    b.results$.subscribe((o) => settled.push(o));
    const r = reads();
    const emitted: unknown[] = [];
    const subscription = createPipeline([a, b], { maxInFlight: 4 })
      .process(countedItems([1, 2, 3, 4, 5, 6], r))
      .subscribe((o) => emitted.push(o));
    await clock.advance(15); // 2 done at a and now at b, 2 more at a
    expect(inFlight.now).toBe(4);
    subscription.unsubscribe();
    expect(r.closed).toBe(true);
    expect(r.read).toBe(4);
    await clock.flush();
    const cancelled = settled.filter(
      (o) =>
        isErr(o.result) &&
        o.result.left instanceof TaskCancelled &&
        o.result.left.cause instanceof ThroughUnsubscribedError,
    );
    expect(cancelled).toHaveLength(4);
    await clock.advance(1_000);
    expect(emitted).toEqual([]);
    for (const pool of [a, b]) {
      expectConserved(pool.getSnapshot().metrics);
      await pool.close();
    }
    expect(clock.pending()).toBe(0);
  });

  it('a downstream take() ends it early, the same way', async () => {
    const { clock, inFlight } = scene();
    const a = stagePool(clock, inFlight, { name: 'a', run: (n) => n, size: 3, ms: (n) => n });
    await clock.flush();
    const out = await collect(
      clock,
      createPipeline([a])
        .process(from([5, 50, 500]))
        .pipe(take(1)),
    );
    expect(out.map(valueOf)).toEqual([5]);
    await clock.advance(1_000);
    expect(a.getSnapshot().metrics).toMatchObject({ completed: 1, cancelled: 2 });
    await a.close();
  });

  it('the source completing completes the output once the items inside are out', async () => {
    const { clock, inFlight } = scene();
    const a = stagePool(clock, inFlight, { name: 'a', run: (n) => n, size: 1, ms: () => 30 });
    await clock.flush();
    const source = new Subject<number>();
    const seen: unknown[] = [];
    let completedAt = -1;
    createPipeline([a])
      .process(source)
      .subscribe({
        next: (o) => seen.push(valueOf(o)),
        complete: () => (completedAt = clock.now()),
      });
    source.next(1);
    source.next(2);
    source.complete();
    await clock.advance(59);
    expect(completedAt).toBe(-1);
    await clock.advance(1);
    expect(seen).toEqual([1, 2]);
    expect(completedAt).toBe(60);
    await a.close();
  });

  it('a source error waits for the items already read to come out, then is passed on', async () => {
    const { clock, inFlight } = scene();
    const a = stagePool(clock, inFlight, { name: 'a', run: (n) => n, size: 1, ms: () => 10 });
    const b = stagePool(clock, inFlight, { name: 'b', run: (n) => n, size: 1, ms: () => 10 });
    await clock.flush();
    const boom = new Error('source broke');
    /** What came out, in order, the error included. */
    const check = async (source: Observable<number> | Iterable<number> | AsyncIterable<number>) => {
      const events: unknown[] = [];
      createPipeline([a, b], { maxInFlight: 2 })
        .process(source)
        .subscribe({ next: (o) => events.push(valueOf(o)), error: (e: unknown) => events.push(e) });
      await clock.flush();
      expect(events).toEqual([]); // the error waits for the items already read
      await clock.advance(200);
      return events;
    };
    const subject = new Subject<number>();
    const pushed = check(subject);
    subject.next(1);
    subject.next(2);
    subject.next(3);
    subject.error(boom);
    expect(await pushed).toEqual([1, 2, 3, boom]);
    function* failing(): Generator<number> {
      yield 4;
      yield 5;
      throw boom;
    }
    expect(await check(failing())).toEqual([4, 5, boom]);
    async function* failingLater(): AsyncGenerator<number> {
      yield 6;
      await Promise.resolve();
      throw boom;
    }
    expect(await check(failingLater())).toEqual([6, boom]);
    await Promise.all([a.close(), b.close()]);
  });

  it('a source that fails before giving anything: the error at once, no task run', async () => {
    const { clock, inFlight } = scene();
    const a = stagePool(clock, inFlight, { name: 'a', run: (n) => n });
    await clock.flush();
    const boom = new Error('no source');
    const unreadable: Iterable<number> = {
      [Symbol.iterator]: () => {
        throw boom;
      },
    };
    for (const source of [throwError(() => boom), unreadable]) {
      const errors: unknown[] = [];
      createPipeline([a])
        .process(source)
        .subscribe({ error: (e: unknown) => errors.push(e) });
      await clock.flush();
      expect(errors).toEqual([boom]);
    }
    expect(a.getSnapshot().metrics.submitted).toBe(0);
    await a.close();
  });

  it('a stage closed mid-run: what reaches it comes out Left(pool-closed) at it; nothing hangs', async () => {
    const { clock, inFlight } = scene();
    const a = stagePool(clock, inFlight, { name: 'a', run: (n) => n, size: 1, ms: () => 10 });
    const b = stagePool(clock, inFlight, { name: 'b', run: (n) => n, size: 1, ms: () => 10 });
    await clock.flush();
    const out = createPipeline([a, b], { maxInFlight: 10 }).process([1, 2, 3, 4, 5]);
    const result = collect(clock, out);
    await clock.advance(15); // 1 is at b, 2 at a, the rest queued at a
    const closed = b.close();
    const outcomes = await result;
    await closed;
    expect(outcomes.map(valueOf).sort()).toEqual(
      [1, 'b:TaskRejected', 'b:TaskRejected', 'b:TaskRejected', 'b:TaskRejected'].sort(),
    );
    for (const o of outcomes.filter((o) => isErr(o.result))) {
      expect(o).toMatchObject({ stage: 1, stageName: 'b' });
      const error = isErr(o.result) ? o.result.left : undefined;
      expect(error).toBeInstanceOf(TaskRejected);
      expect((error as TaskRejected).reason).toBe('pool-closed');
    }
    await a.close();
    expect(clock.pending()).toBe(0);
  });

  it('a full stage queue is waited out, not failed (as through does)', async () => {
    const { clock, inFlight } = scene();
    const a = stagePool(clock, inFlight, {
      name: 'a',
      run: (n) => n,
      size: 1,
      ms: () => 10,
      queue: { capacity: 1 },
    });
    await clock.flush();
    // Another submitter fills a's queue.
    const others = [a.submit(100), a.submit(101)];
    const out = await collect(clock, createPipeline([a], { maxInFlight: 4 }).process([1, 2, 3]));
    expect(out.map(valueOf).sort()).toEqual([1, 2, 3]);
    expect((await Promise.all(others)).map((r) => r._tag)).toEqual(['Right', 'Right']);
    await a.close();
  });

  it('a balancer is a stage like a pool', async () => {
    const { clock, inFlight } = scene();
    const a1 = stagePool(clock, inFlight, { name: 'a1', run: (n) => n + 1, size: 1 });
    const a2 = stagePool(clock, inFlight, { name: 'a2', run: (n) => n + 1, size: 1 });
    const store = stagePool(clock, inFlight, { name: 'store', run: (n) => n * 2, size: 1 });
    await clock.flush();
    const api = createBalancer({ name: 'api', pools: [a1, a2], clock, strategy: 'round-robin' });
    const out = await collect(
      clock,
      createPipeline([api, store], { ordered: true }).process([1, 2, 3, 4]),
    );
    expect(out.map(valueOf)).toEqual([4, 6, 8, 10]);
    expect(a1.getSnapshot().metrics.completed + a2.getSnapshot().metrics.completed).toBe(4);
    await Promise.all([api.close(), a1.close(), a2.close(), store.close()]);
    expect(clock.pending()).toBe(0);
  });

  it('each subscription reads the source anew (cold)', async () => {
    const { clock, inFlight } = scene();
    const a = stagePool(clock, inFlight, { name: 'a', run: (n) => n, size: 2 });
    await clock.flush();
    const doubled = createPipeline([a]).process([1, 2]);
    const [x, y] = await Promise.all([collect(clock, doubled), collect(clock, doubled)]);
    expect(x).toHaveLength(2);
    expect(y).toHaveLength(2);
    await a.close();
  });
});
