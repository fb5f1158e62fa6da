import { describeValue } from '../describe-value.js';
import { InvalidOptionError } from '../errors.js';
import { checkObject } from '../option-checks.js';
import type { Clock } from '../time/clock.js';
import type { WorkerLogic } from '../worker/worker-logic.js';
import { loadOtelApi } from './otel-api.js';
import { OtelTaskTracing } from './otel-task-tracing.js';
import type { TaskTracing } from './task-tracing.js';
import { tracedLogic } from './traced-logic.js';
import type { TracerLike, TracingOptions } from './tracing-options.js';

const ALLOWED = "{ tracer } with an OpenTelemetry Tracer (`trace.getTracer('my-service')`)";

/**
 * The `tracing` option checked once, at the pool's creation: no tracing (nothing on the task
 * path asks again), or the pool's tracing and its worker logic wrapped so that each run has
 * its span. Loads `@opentelemetry/api` (an optional peer) only when asked to trace.
 */
export function resolveTracing<TInput, TOutput>(
  given: TracingOptions | undefined,
  pool: string,
  clock: Clock,
  logic: WorkerLogic<TInput, TOutput, unknown>,
): { tracing: TaskTracing | undefined; logic: WorkerLogic<TInput, TOutput, unknown> } {
  if (given === undefined) return { tracing: undefined, logic };
  checkObject('tracing', given, ['tracer']);
  const tracer = (given as { tracer?: unknown }).tracer;
  if (
    typeof tracer !== 'object' ||
    tracer === null ||
    typeof (tracer as { startSpan?: unknown }).startSpan !== 'function'
  ) {
    throw new InvalidOptionError('tracing.tracer', tracer, ALLOWED);
  }
  let api;
  try {
    api = loadOtelApi();
  } catch (error) {
    throw new InvalidOptionError(
      'tracing',
      given,
      `${ALLOWED}, with the package @opentelemetry/api installed (loading it threw ${describeValue(error)})`,
    );
  }
  const tracing = new OtelTaskTracing(api, tracer as TracerLike, pool, clock);
  return { tracing, logic: tracedLogic(logic, tracing, api) };
}
