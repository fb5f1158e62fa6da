import type { RunContext } from '../engine/worker-slot.js';
import type { TaskContext, WorkerLogic } from '../worker/worker-logic.js';
import type { OtelApi } from './otel-api.js';
import type { OtelTaskTracing } from './otel-task-tracing.js';
import { SpanRunTrace } from './run-trace.js';

/**
 * A traced pool's worker logic: `logic` (inherited: its setup, teardown, concurrency, kind…)
 * with a `run` that begins the run's span and calls the logic's own `run` in the span's
 * context, so that spans the task makes are its children, and with the span's W3C trace
 * context as a third argument, for an executor that carries the run elsewhere (a thread).
 * Made once, when the pool is created: an untraced pool runs its logic as it is.
 */
export function tracedLogic<TInput, TOutput>(
  logic: WorkerLogic<TInput, TOutput, unknown>,
  tracing: OtelTaskTracing,
  api: OtelApi,
): WorkerLogic<TInput, TOutput, unknown> {
  const run = logic.run;
  const { context } = api;
  const tracedRun = (input: TInput, ctx: TaskContext<unknown>) => {
    // The engine's own context for a run carries its task.
    const t = tracing.runStarted((ctx as RunContext).task, ctx.workerId);
    if (t === undefined) return run.call(logic, input, ctx);
    const trace = new SpanRunTrace(t.run!.spanContext());
    return context.with(t.runContext!, run, logic, input, ctx, trace);
  };
  return Object.create(logic, {
    run: { value: tracedRun, enumerable: true },
  }) as WorkerLogic<TInput, TOutput, unknown>;
}
