// @ts-check
/**
 * The thread's side of tracing: a run of a traced pool comes with the W3C trace context of its
 * run span (`traceparent`, `tracestate`), and its code runs in that context, so that the spans
 * it makes (with the tracer provider the worker module registered in this thread) are the run
 * span's children. `@opentelemetry/api` is imported at the first traced run: from here (an
 * optional peer of this package), else from where the worker module would find it. Without it,
 * or with a malformed `traceparent`, runs go on untraced.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { href } from './thread-wiring.mjs';

/**
 * @typedef {typeof import('@opentelemetry/api')} Api
 * @typedef {import('@opentelemetry/api').Context} Context
 */

/** The API: `undefined` until asked for, a promise while it loads, `null` when it cannot be had. @type {Api | null | Promise<Api | null> | undefined} */
let api;

/** `traceparent` version 00: trace id, span id (neither all zeros), flags. */
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * `@opentelemetry/api`, if loaded; a promise of it (or of `null`) at the first call.
 *
 * @returns {Api | null | Promise<Api | null>}
 */
export function traceApi() {
  return (api ??= load().then((loaded) => (api = loaded)));
}

/** @returns {Promise<Api | null>} */
async function load() {
  /** @param {unknown} mod @returns {Api} */
  const named = (mod) => /** @type {{ default?: Api }} */ (mod).default ?? /** @type {Api} */ (mod);
  try {
    return named(await import('@opentelemetry/api'));
  } catch {
    try {
      const path = createRequire(href).resolve('@opentelemetry/api');
      return named(await import(pathToFileURL(path).href));
    } catch {
      return null;
    }
  }
}

/**
 * The context of the remote span `traceparent` names (and `tracestate` tells more of), as the
 * parent of what runs in it; `undefined` for a malformed one.
 *
 * @param {Api} otel
 * @param {string} traceparent
 * @param {string | undefined} tracestate
 * @returns {Context | undefined}
 */
export function remoteContext(otel, traceparent, tracestate) {
  const match = TRACEPARENT.exec(traceparent);
  if (match === null) return undefined;
  const [, traceId = '', spanId = '', flags = '00'] = match;
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  return otel.trace.setSpanContext(otel.ROOT_CONTEXT, {
    traceId,
    spanId,
    traceFlags: Number.parseInt(flags, 16),
    isRemote: true,
    ...(tracestate === undefined || typeof otel.createTraceState !== 'function'
      ? {}
      : { traceState: otel.createTraceState(tracestate) }),
  });
}
