/**
 * The `/metrics` endpoint: a Node `http` request listener serving a registry's exposition.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OpenMetricsContentType, Registry } from 'prom-client';

/** A Node `http` request listener (also an Express or Connect handler). */
export type MetricsHandler = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * Serves `registry` at `path`: `GET` (and `HEAD`) → 200 with the text exposition in the
 * registry's content type; another method there → 405; any other path → 404. Scraping it is
 * what reads the watched sources: nothing is read between scrapes.
 */
export function metricsHandler(
  registry: Registry | Registry<OpenMetricsContentType>,
  path: string,
): MetricsHandler {
  return (request, response) => {
    const url = request.url ?? '/';
    const query = url.indexOf('?');
    const pathname = query === -1 ? url : url.slice(0, query);
    if (pathname !== path) return reply(response, 404, 'Not Found\n');
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      return reply(response, 405, 'Method Not Allowed\n');
    }
    registry.metrics().then(
      (text) => {
        response.statusCode = 200;
        response.setHeader('Content-Type', registry.contentType);
        response.setHeader('Content-Length', Buffer.byteLength(text));
        response.end(request.method === 'HEAD' ? undefined : text);
      },
      (error: unknown) => {
        const why = error instanceof Error ? `: ${error.message}` : '';
        reply(response, 500, `could not collect the metrics${why}\n`);
      },
    );
  };
}

function reply(response: ServerResponse, status: number, text: string): void {
  response.statusCode = status;
  response.setHeader('Content-Type', 'text/plain; charset=utf-8');
  response.end(text);
}
