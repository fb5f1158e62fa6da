/**
 * A traced pool of worker threads: each run's trace context crosses into the thread with the
 * run (W3C traceparent in the task message), and spans the task makes there, with the thread's
 * own tracer provider, are children of the run span made on the main side — for the pool's
 * export and for `callExport`, under concurrency. An untraced pool's runs carry nothing.
 */
import { context, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '@troupe/core';
import { callExport, fromWorkerThread } from '@troupe/threads';
import { memoryTracing, useContextManager } from '../../packages/core/test/tracing/support.js';
import { expectNoThreadLeftAfterAll, fixture } from './support/threads.js';

expectNoThreadLeftAfterAll();

interface Seen {
  readonly label: string;
  readonly active: { traceId: string; spanId: string } | undefined;
  readonly inner: { traceId: string; parentSpanId: string | undefined };
}

let disable: () => void;
beforeAll(() => {
  disable = useContextManager();
});
afterAll(() => disable());

describe('tracing into worker threads', () => {
  it("makes the thread's spans children of each run's span", async () => {
    const { tracer, spans } = memoryTracing();
    const pool = createPool({
      name: 'cpu',
      size: 2,
      tracing: { tracer },
      worker: fromWorkerThread<unknown, Seen>(fixture('traced.mjs'), {
        export: 'traced',
        concurrency: 2,
      }),
    }).start();
    const request = tracer.startSpan('request');
    const seen = await context.with(trace.setSpan(context.active(), request), () =>
      Promise.all([
        ...['a', 'b', 'c', 'd'].map((label) => pool.run(label, { id: label })),
        pool.run(callExport('alsoTraced', 'e'), { id: 'e' }),
      ]),
    );
    request.end();
    await pool.close();

    const runs = spans('troupe.run');
    expect(runs).toHaveLength(5);
    const runOf = new Map(runs.map((s) => [s.attributes['troupe.task.id'], s.spanContext()]));
    for (const s of seen) {
      const run = runOf.get(s.label)!;
      expect(s.active).toEqual({ traceId: run.traceId, spanId: run.spanId });
      expect(s.inner).toEqual({ traceId: run.traceId, parentSpanId: run.spanId });
      expect(run.traceId).toBe(request.spanContext().traceId);
    }
  });

  it('sends no trace context from an untraced pool', async () => {
    const pool = createPool({
      size: 1,
      worker: fromWorkerThread<unknown, Seen>(fixture('traced.mjs'), { export: 'traced' }),
    }).start();
    const seen = await pool.run('plain');
    await pool.close();
    expect(seen.active).toBeUndefined();
    expect(seen.inner.parentSpanId).toBeUndefined();
  });
});
