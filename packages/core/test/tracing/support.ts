/** An OpenTelemetry SDK for the tracing tests: spans kept in memory, the context kept by AsyncLocalStorage. */
import { context, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AlwaysOffSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';

/** A tracer provider whose spans end up in `exporter`; sampling off with `sampled: false`. */
export function memoryTracing(sampled = true) {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    ...(sampled ? {} : { sampler: new AlwaysOffSampler() }),
  });
  const tracer = provider.getTracer('troupe-test');
  return {
    exporter,
    provider,
    tracer,
    /** The finished spans named `name`, oldest first. */
    spans: (name?: string): ReadableSpan[] =>
      exporter.getFinishedSpans().filter((s) => name === undefined || s.name === name),
  };
}

/** Makes `context.with` and `context.active()` follow async calls (once per test file). */
export function useContextManager(): () => void {
  const manager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(manager);
  return () => context.disable();
}

/** A span's duration in ms. */
export const durationMs = (span: ReadableSpan): number =>
  span.duration[0] * 1e3 + span.duration[1] / 1e6;

/** A span's start, in ms since the epoch. */
export const startMs = (span: ReadableSpan): number =>
  span.startTime[0] * 1e3 + span.startTime[1] / 1e6;

/** The span id of `span`'s parent, if any. */
export const parentOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;

/** The id of a live span. */
export const idOf = (span: Span): string => span.spanContext().spanId;
