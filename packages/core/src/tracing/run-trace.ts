/**
 * The W3C trace context of a run's span (`traceparent`, `tracestate`), as traced worker logic
 * hands it to an executor that carries runs elsewhere (a worker thread, a remote worker): the
 * far side makes its spans children of the run span from it.
 */
export interface RunTrace {
  /** `00-<trace id>-<span id>-<flags>`, as in the W3C Trace Context header. */
  readonly traceparent: string;
  /** The `tracestate` header's value, when the span carries one. */
  readonly tracestate: string | undefined;
}

/** What `RunTrace` is made from: an OpenTelemetry `SpanContext`, as far as it is read here. */
export interface SpanContextLike {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceFlags: number;
  readonly traceState?: { serialize(): string } | undefined;
}

/** A run's trace context, its header strings made only when read (an inline run never reads them). */
export class SpanRunTrace implements RunTrace {
  constructor(readonly spanContext: SpanContextLike) {}

  get traceparent(): string {
    const { traceId, spanId, traceFlags } = this.spanContext;
    return `00-${traceId}-${spanId}-${(traceFlags & 0xff).toString(16).padStart(2, '0')}`;
  }

  get tracestate(): string | undefined {
    const state = this.spanContext.traceState?.serialize();
    return state === undefined || state === '' ? undefined : state;
  }
}
