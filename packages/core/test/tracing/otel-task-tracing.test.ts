/**
 * A traced pool: each task's queue wait and run as spans under its submitter's context, their
 * names, parents, attributes, times (on the pool's clock) and status for every way a task ends;
 * the task's own spans nest under its run; nothing traced without the option; bad options.
 */
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPool,
  createVirtualClock,
  InvalidOptionError,
  TaskTimedOut,
  type PoolOptions,
} from '@troupe/core';
import { after } from '../support/virtual-time.js';
import {
  durationMs,
  idOf,
  memoryTracing,
  parentOf,
  startMs,
  useContextManager,
} from './support.js';

let disable: () => void;
beforeAll(() => {
  disable = useContextManager();
});
afterAll(() => disable());

describe('tracing', () => {
  it('gives each task a queue and a run span, children of the context it was submitted in', async () => {
    const clock = createVirtualClock();
    const { tracer, spans } = memoryTracing();
    const pool = createPool({
      name: 'images',
      clock,
      size: 1,
      tracing: { tracer },
      worker: (n: number) => after(clock, 10, n * 2),
    }).start();
    await clock.flush();
    const request = tracer.startSpan('request');
    const results = context.with(trace.setSpan(context.active(), request), () =>
      Promise.all([pool.run(1, { id: 'first' }), pool.run(2)]),
    );
    await clock.advance(20);
    expect(await results).toEqual([2, 4]);
    request.end();

    const queues = spans('troupe.queue');
    const runs = spans('troupe.run');
    expect(queues).toHaveLength(2);
    expect(runs).toHaveLength(2);
    for (const span of [...queues, ...runs]) {
      expect(parentOf(span)).toBe(idOf(request));
      expect(span.spanContext().traceId).toBe(request.spanContext().traceId);
      expect(span.attributes['troupe.pool.name']).toBe('images');
    }
    const [firstRun, secondRun] = runs;
    expect(firstRun!.attributes).toMatchObject({
      'troupe.task.id': 'first',
      'troupe.task.attempt': 1,
      'troupe.task.outcome': 'completed',
      'troupe.worker.id': 'images-w1',
    });
    expect(firstRun!.status.code).toBe(SpanStatusCode.UNSET);
    expect(secondRun!.attributes['troupe.task.id']).toBeUndefined();
    // Times on the pool's clock: the second task waited for the first's 10 ms run.
    expect(durationMs(firstRun!)).toBeCloseTo(10, 3);
    expect(durationMs(queues[0]!)).toBeCloseTo(0, 3);
    expect(durationMs(queues[1]!)).toBeCloseTo(10, 3);
    // (Across spans, within the SDK's own jitter: each span maps clock time to the epoch anew.)
    expect(Math.abs(startMs(secondRun!) - startMs(firstRun!) - 10)).toBeLessThan(2);
    await pool.close();
  });

  it("runs the task's code in its run span's context: the spans it makes are the run's children", async () => {
    const { tracer, spans } = memoryTracing();
    const pool = createPool({
      size: 2,
      tracing: { tracer },
      worker: async (n: number) => {
        await Promise.resolve();
        const inner = tracer.startSpan('inner');
        inner.end();
        return n;
      },
    }).start();
    await Promise.all([pool.run(1), pool.submitMany([2, 3])]);
    const runs = spans('troupe.run');
    const inner = spans('inner');
    expect(runs).toHaveLength(3);
    expect(inner).toHaveLength(3);
    const runIds = new Set(runs.map((s) => s.spanContext().spanId));
    for (const span of inner) expect(runIds.has(parentOf(span)!)).toBe(true);
    // Each inner span in its own run's trace, not its sibling's.
    expect(new Set(inner.map(parentOf)).size).toBe(3);
    await pool.close();
  });

  it('marks a failed run, a timed-out run and a retried one', async () => {
    const clock = createVirtualClock();
    const { tracer, spans } = memoryTracing();
    let calls = 0;
    const pool = createPool({
      clock,
      size: 1,
      tracing: { tracer },
      worker: (n: number) => {
        if (n === 0) throw new Error('boom');
        if (n === 1) return new Promise<number>(() => undefined);
        // n === 2 fails its first run and completes its second.
        if (n === 2 && ++calls === 1) throw new Error('flaky');
        return n;
      },
    }).start();
    await clock.flush();
    await expect(pool.run(0)).rejects.toMatchObject({ _tag: 'TaskFailed' });
    const hung = expect(pool.run(1, { timeoutMs: 50 })).rejects.toBeInstanceOf(TaskTimedOut);
    await clock.advance(50);
    await hung;
    const retried = pool.run(2, {
      retry: { attempts: 2, backoff: { minMs: 5, maxMs: 5, jitter: 0 } },
    });
    await clock.advance(10);
    expect(await retried).toBe(2);

    const runs = spans('troupe.run');
    expect(runs.map((s) => s.attributes['troupe.task.outcome'])).toEqual([
      'failed',
      'timed-out',
      'failed',
      'completed',
    ]);
    const [failed, timedOut, firstTry, secondTry] = runs;
    expect(failed!.status).toMatchObject({ code: SpanStatusCode.ERROR });
    expect(failed!.attributes['error.type']).toBe('TaskFailed');
    expect(failed!.events.map((e) => e.name)).toContain('exception');
    expect(timedOut!.attributes['error.type']).toBe('TaskTimedOut');
    expect(timedOut!.status.code).toBe(SpanStatusCode.ERROR);
    expect(durationMs(timedOut!)).toBeCloseTo(50, 3);
    expect(firstTry!.attributes['troupe.task.attempt']).toBe(1);
    expect(secondTry!.attributes['troupe.task.attempt']).toBe(2);
    expect(secondTry!.status.code).toBe(SpanStatusCode.UNSET);
    // The retry's wait in between: its backoff, as a queue span of attempt 2.
    const retryWait = spans('troupe.queue').find((s) => s.attributes['troupe.task.attempt'] === 2);
    expect(retryWait).toBeDefined();
    expect(durationMs(retryWait!)).toBeCloseTo(5, 3);
    await pool.close();
  });

  it('ends the spans of tasks cancelled while queued (a queue span only) and while running', async () => {
    const clock = createVirtualClock();
    const { tracer, spans } = memoryTracing();
    const pool = createPool({
      clock,
      size: 1,
      tracing: { tracer },
      worker: () => new Promise<number>(() => undefined),
    }).start();
    await clock.flush();
    const running = new AbortController();
    const queued = new AbortController();
    const a = pool.submit(1, { signal: running.signal, id: 'a' });
    const b = pool.submit(2, { signal: queued.signal, id: 'b' });
    await clock.advance(5);
    queued.abort('not needed');
    running.abort('not needed');
    expect((await a)._tag).toBe('Left');
    expect((await b)._tag).toBe('Left');

    const runs = spans('troupe.run');
    expect(runs).toHaveLength(1);
    expect(runs[0]!.attributes).toMatchObject({
      'troupe.task.id': 'a',
      'troupe.task.outcome': 'cancelled',
      'error.type': 'TaskCancelled',
    });
    const ofB = spans('troupe.queue').filter((s) => s.attributes['troupe.task.id'] === 'b');
    expect(ofB).toHaveLength(1);
    expect(ofB[0]!.attributes).toMatchObject({
      'troupe.task.outcome': 'cancelled',
      'error.type': 'TaskCancelled',
    });
    expect(ofB[0]!.status.code).toBe(SpanStatusCode.ERROR);
    expect(durationMs(ofB[0]!)).toBeCloseTo(5, 3);
    await pool.close({ abort: true });
  });

  it('ends the spans of the tasks a close with abort cancels', async () => {
    const { tracer, spans } = memoryTracing();
    const pool = createPool({
      size: 1,
      tracing: { tracer },
      worker: () => new Promise<number>(() => undefined),
    }).start();
    const outcomes = Promise.all([pool.submit(1), pool.submit(2)]);
    await Promise.resolve();
    await pool.close({ abort: true });
    await outcomes;
    const ended = [...spans('troupe.run'), ...spans('troupe.queue')].filter(
      (s) => s.attributes['troupe.task.outcome'] === 'cancelled',
    );
    expect(ended).toHaveLength(2);
  });

  it('records nothing with sampling off, and the tasks run as ever', async () => {
    const { tracer, spans } = memoryTracing(false);
    const pool = createPool({ size: 2, tracing: { tracer }, worker: (n: number) => n + 1 }).start();
    expect(await Promise.all([1, 2, 3].map((n) => pool.run(n)))).toEqual([2, 3, 4]);
    expect(spans()).toHaveLength(0);
    await pool.close();
  });

  it('traces nothing without the option, even with a global tracer provider', async () => {
    const { provider, spans } = memoryTracing();
    trace.setGlobalTracerProvider(provider);
    try {
      const worker = (n: number) => n;
      const pool = createPool({ size: 1, worker }).start();
      expect(await pool.run(1)).toBe(1);
      expect(spans()).toHaveLength(0);
      await pool.close();
    } finally {
      trace.disable();
    }
  });

  it('refuses a tracing option that is not { tracer } with a tracer', () => {
    const { tracer } = memoryTracing();
    const invalid = (tracing: unknown): InvalidOptionError => {
      try {
        createPool({ worker: (n: number) => n, tracing } as PoolOptions<number, number>);
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidOptionError);
        return error as InvalidOptionError;
      }
      throw new Error('accepted');
    };
    expect(invalid(5).message).toContain('`tracing`');
    expect(invalid({}).message).toContain('`tracing.tracer`');
    expect(invalid({ tracer: {} }).message).toContain('OpenTelemetry Tracer');
    expect(invalid({ tracer, sampler: 1 }).message).toContain('`tracing.sampler`');
  });
});
