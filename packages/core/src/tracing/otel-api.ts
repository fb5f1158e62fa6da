import { createRequire } from 'node:module';
import type * as Api from '@opentelemetry/api';

/** The parts of `@opentelemetry/api` that tracing uses. */
export type OtelApi = Pick<typeof Api, 'context' | 'trace' | 'SpanStatusCode'>;

let loaded: OtelApi | undefined;

/**
 * `@opentelemetry/api`, loaded at the first traced pool (an optional peer dependency: a pool
 * without `tracing` never loads it). Synchronously, because `createPool` is: `require` of its
 * CommonJS build. Another copy of the package in the app (its ES module build) is no matter:
 * the API keeps its context manager and keys in one global registry that every copy reads.
 * Throws Node's own error when it is not installed.
 */
export function loadOtelApi(): OtelApi {
  return (loaded ??= createRequire(import.meta.url)('@opentelemetry/api') as OtelApi);
}
