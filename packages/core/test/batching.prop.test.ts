/**
 * Batch pool property: for random item streams on the virtual clock, the batches are exactly
 * those a model of "full, or oldest item waited maxWaitMs, or close" predicts; every item settles
 * once with the outcome its batch determines, and the item metrics add up.
 */
import fc from 'fast-check';
import { left, right } from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import {
  createPool,
  createVirtualClock,
  isErr,
  TaskFailed,
  type FlushReason,
  type TaskOutcome,
  type TaskResult,
  type VirtualClock,
} from '@troupe/core';
import { expectConserved } from './support/conservation.js';
import { tagOf } from './support/results.js';
import { settleWith } from './support/virtual-time.js';

type Item = { readonly id: number; readonly n: number; readonly marker: boolean };
type Batch = { readonly ids: number[]; readonly at: number; readonly reason: FlushReason };
type Ending = 'timer' | 'close' | 'abort';

/** The batches a stream makes: items arrive at `times[i]`; what is open at the end goes per `ending`. */
function modelBatches(
  times: readonly number[],
  size: number,
  maxWaitMs: number,
  ending: Ending,
  endAt: number,
): Batch[] {
  const batches: Batch[] = [];
  let open: number[] = [];
  let openedAt = 0;
  times.forEach((t, id) => {
    // The timer fires before an item arriving at (or after) its due time joins.
    if (open.length > 0 && t >= openedAt + maxWaitMs) {
      batches.push({ ids: open, at: openedAt + maxWaitMs, reason: 'timer' });
      open = [];
    }
    if (open.length === 0) openedAt = t;
    open.push(id);
    if (open.length === size) {
      batches.push({ ids: open, at: t, reason: 'full' });
      open = [];
    }
  });
  if (open.length > 0) {
    if (ending === 'timer') batches.push({ ids: open, at: openedAt + maxWaitMs, reason: 'timer' });
    else batches.push({ ids: open, at: endAt, reason: 'close' });
  }
  return batches;
}

/** Resolves after `ms` of virtual time; rejects (and clears its timer) when `signal` aborts. */
function sleep(clock: VirtualClock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const handle = clock.setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clock.clearTimeout(handle);
      reject(signal.reason as Error);
    });
  });
}

/** Nearest-rank quantile of batch sizes, as the pool's size histogram reports it. */
const quantile = (sizes: readonly number[], q: number): number => {
  if (sizes.length === 0) return 0;
  const sorted = [...sizes].sort((a, b) => a - b);
  return sorted[Math.ceil(q * sorted.length) - 1]!;
};

describe('batch pools: property', () => {
  const streamArb = fc.array(
    fc.record({
      gap: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 60 })),
      n: fc.integer({ min: -100, max: 100 }),
      marker: fc.nat({ max: 9 }).map((k) => k === 0),
    }),
    { maxLength: 40 },
  );

  it('batches follow size, maxWaitMs and close; each item settles once with its batch’s outcome', async () => {
    await fc.assert(
      fc.asyncProperty(
        streamArb,
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 3 }),
        fc.boolean(),
        fc.constantFrom<Ending>('timer', 'close', 'abort'),
        async (stream, size, maxWaitMs, workers, leftOdd, ending) => {
          const clock = createVirtualClock();
          const seen: { ids: number[]; at: number }[] = [];
          const pool = createPool({
            clock,
            size: workers,
            batch: { size, maxWaitMs },
            // Synchronous, so a worker is always free when a batch is dispatched.
            worker: (inputs: Item[]) => {
              seen.push({ ids: inputs.map((item) => item.id), at: clock.now() });
              if (inputs.some((item) => item.marker)) throw new Error('marker');
              return inputs.map(({ n }) =>
                leftOdd && n % 2 !== 0
                  ? left(new Error(`odd ${n}`))
                  : n % 4 === 0
                    ? right(n * 2)
                    : n * 2,
              );
            },
          }).start();
          await clock.flush();
          const outcomes: TaskOutcome<number>[] = [];
          const subscription = pool.results$.subscribe((outcome) => outcomes.push(outcome));

          const times: number[] = [];
          const results: Promise<TaskResult<number>>[] = [];
          const items: Item[] = [];
          for (const [id, { gap, n, marker }] of stream.entries()) {
            if (gap > 0) await clock.advance(gap);
            const item = { id, n, marker };
            items.push(item);
            times.push(clock.now());
            results.push(pool.submit(item));
          }
          await clock.flush();
          if (ending === 'timer') await clock.advance(maxWaitMs);
          const endAt = clock.now();
          const batches = modelBatches(times, size, maxWaitMs, ending, endAt);
          await settleWith(clock, pool.close(ending === 'abort' ? { abort: true } : {}));
          const settled = await Promise.all(results);
          subscription.unsubscribe();

          // The worker saw the model's batches, at the model's times (an aborted close may
          // cancel its flushed batch before a worker takes it).
          const sent = batches.map(({ ids, at }) => ({ ids, at }));
          if (ending === 'abort' && seen.length === sent.length - 1) sent.pop();
          expect(seen).toEqual(sent);
          for (const batch of seen) expect(batch.ids.length).toBeLessThanOrEqual(size);
          // No item waited more than maxWaitMs for its batch to reach a worker.
          for (const batch of seen)
            for (const id of batch.ids)
              expect(batch.at - times[id]!, `item ${id}`).toBeLessThanOrEqual(maxWaitMs);

          // Each item settled once (one outcome per item, the very result its submit got).
          expect(outcomes).toHaveLength(items.length);
          expect(new Set(outcomes.map((o) => o.taskId)).size).toBe(items.length);
          outcomes.forEach((o) => expect(settled).toContain(o.result));
          const batchOf = new Map<number, Batch>();
          for (const batch of batches) for (const id of batch.ids) batchOf.set(id, batch);
          settled.forEach((r, id) => {
            const batch = batchOf.get(id)!;
            const item = items[id]!;
            if (ending === 'abort' && batch.reason === 'close' && tagOf(r) === 'TaskCancelled')
              return; // flushed, then cancelled by the abort: either way it settles once
            if (batch.ids.some((other) => items[other]!.marker)) {
              expect(isErr(r) && r.left).toBeInstanceOf(TaskFailed);
              expect(isErr(r) && (r.left.cause as Error).message).toBe('marker');
            } else if (leftOdd && item.n % 2 !== 0) {
              expect(isErr(r) && r.left).toBeInstanceOf(TaskFailed);
              expect(isErr(r) && (r.left.cause as Error).message).toBe(`odd ${item.n}`);
            } else {
              expect(r, `item ${id}`).toEqual(right(item.n * 2));
            }
          });

          const m = pool.getSnapshot().metrics;
          const b = m.batch!;
          const sizes = batches.map((batch) => batch.ids.length);
          const count = (reason: FlushReason): number =>
            batches.filter((batch) => batch.reason === reason).length;
          expect(b).toEqual({
            items: items.length,
            pending: 0,
            completed: settled.filter((r) => !isErr(r)).length,
            failed: settled.filter(isErr).length,
            batches: batches.length,
            size: {
              p50: quantile(sizes, 0.5),
              p90: quantile(sizes, 0.9),
              p99: quantile(sizes, 0.99),
              max: Math.max(0, ...sizes),
            },
            flushes: { full: count('full'), timer: count('timer'), close: count('close') },
          });
          expect(b.flushes.full + b.flushes.timer + b.flushes.close).toBe(b.batches);
          // The pool's own counters count batches; nothing is left pending.
          expect(m.submitted).toBe(batches.length);
          expect(m).toMatchObject({ queued: 0, active: 0, waiting: 0, retrying: 0 });
          expectConserved(m);
          expect(clock.pending()).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('close({ abort: true }) at any moment: each item settles once, as its value or cancelled; no timer left', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 25 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 0, max: 60 }),
        async (gaps, size, maxWaitMs, workMs, closeAfterMs) => {
          const clock = createVirtualClock();
          const finished = new Set<number>();
          const pool = createPool({
            clock,
            size: 2,
            batch: { size, maxWaitMs },
            worker: async (inputs: number[], ctx) => {
              await sleep(clock, workMs, ctx.signal);
              for (const id of inputs) finished.add(id);
              return inputs.map((id) => id * 2);
            },
          }).start();
          await clock.flush();
          const outcomes: TaskOutcome<number>[] = [];
          const subscription = pool.results$.subscribe((outcome) => outcomes.push(outcome));
          const results: Promise<TaskResult<number>>[] = [];
          for (const [id, gap] of gaps.entries()) {
            if (gap > 0) await clock.advance(gap);
            results.push(pool.submit(id));
          }
          await clock.advance(closeAfterMs);
          const done = new Set(finished);
          await settleWith(clock, pool.close({ abort: true }));
          const settled = await Promise.all(results);
          subscription.unsubscribe();

          expect(outcomes).toHaveLength(gaps.length);
          expect(new Set(outcomes.map((o) => o.taskId)).size).toBe(gaps.length);
          outcomes.forEach((o) => expect(settled).toContain(o.result));
          settled.forEach((r, id) => {
            // A batch its worker finished before the close keeps its values; the rest are cancelled.
            if (done.has(id)) expect(r, `item ${id}`).toEqual(right(id * 2));
            else expect(tagOf(r), `item ${id}`).toBe('TaskCancelled');
          });
          const b = pool.getSnapshot().metrics.batch!;
          expect(b).toMatchObject({
            items: gaps.length,
            pending: 0,
            completed: done.size,
            failed: gaps.length - done.size,
          });
          expect(b.flushes.full + b.flushes.timer + b.flushes.close).toBe(b.batches);
          expect(b.flushes.close).toBeLessThanOrEqual(1);
          expectConserved(pool.getSnapshot().metrics);
          expect(clock.pending()).toBe(0);
        },
      ),
      { numRuns: 100 },
    );
  });
});
