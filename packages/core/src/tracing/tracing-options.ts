/**
 * What pools call on a tracer: OpenTelemetry's `Tracer` (`trace.getTracer(name)` from
 * `@opentelemetry/api`) has it. Declared here, not imported, so that the types of a pool do not
 * need `@opentelemetry/api` installed where nothing is traced.
 */
export interface TracerLike {
  startSpan(name: string, options?: object, context?: object): unknown;
}

/** The `tracing` option of a pool: spans for each task's queue wait and run. */
export interface TracingOptions {
  /**
   * The OpenTelemetry tracer the spans are made with, e.g. `trace.getTracer('my-service')`.
   * Its sampler decides which tasks are recorded.
   */
  readonly tracer: TracerLike;
}
