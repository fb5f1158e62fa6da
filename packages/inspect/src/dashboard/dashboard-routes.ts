/**
 * The dashboard's HTTP routes: `GET /` the page, `GET /events` the event stream, `POST
 * /pools/<name>/<action>` the controls. Bound to loopback, it also refuses requests whose `Host`
 * is not a loopback name, so a web page that rebinds its own name to 127.0.0.1 cannot read it.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { ACTIONS, type Action } from './control-actions.js';
import { handleControl, reply, type ControlContext } from './controls.js';
import { contentSecurityPolicy } from './page-html.js';
import type { SseHub } from './sse-hub.js';

/** What the routes serve from. */
export interface RouteContext {
  /** The page, with the nonce given. */
  page(nonce: string): string;
  readonly hub: SseHub;
  /** What a page gets first on the stream. */
  readonly first: () => string;
  readonly controls: ControlContext;
  /** Host names the `Host` header may carry (`undefined`: any). */
  readonly hosts: ReadonlySet<string> | undefined;
}

const LOOPBACK = ['127.0.0.1', 'localhost', '::1', '[::1]'];

/** The host names a dashboard bound to `host` answers to; `undefined` when not bound to loopback. */
export function allowedHosts(host: string): ReadonlySet<string> | undefined {
  const loopback = LOOPBACK.includes(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
  return loopback ? new Set([...LOOPBACK, host]) : undefined;
}

export function dashboardRoutes(context: RouteContext): RequestListener {
  return (request, response) => {
    if (!hostAllowed(request, context.hosts)) {
      return reply(response, 403, { error: 'the dashboard answers to loopback host names only' });
    }
    const path = (request.url ?? '/').split('?')[0]!;
    if (path === '/' || path === '/index.html') {
      if (!allow(request, response, ['GET', 'HEAD'])) return;
      const nonce = randomBytes(16).toString('base64');
      const html = context.page(nonce);
      response.writeHead(200, {
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Length': Buffer.byteLength(html),
        'Content-Security-Policy': contentSecurityPolicy(nonce),
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
      });
      response.end(request.method === 'HEAD' ? undefined : html);
      return;
    }
    if (path === '/favicon.ico') {
      response.writeHead(204, { 'Cache-Control': 'max-age=86400' });
      response.end();
      return;
    }
    if (path === '/events') {
      if (!allow(request, response, ['GET'])) return;
      context.hub.open(request, response, context.first);
      return;
    }
    const control = /^\/pools\/([^/]+)\/([a-z]+)$/.exec(path);
    if (control !== null && (ACTIONS as readonly string[]).includes(control[2]!)) {
      if (!allow(request, response, ['POST'])) return;
      let name: string;
      try {
        name = decodeURIComponent(control[1]!);
      } catch {
        return reply(response, 400, { error: 'the pool name is not URL-encoded text' });
      }
      handleControl(request, response, name, control[2] as Action, context.controls).catch(
        (error: unknown) => {
          if (!response.headersSent) reply(response, 500, { error: String(error) });
        },
      );
      return;
    }
    reply(response, 404, { error: 'not found' });
  };
}

function hostAllowed(request: IncomingMessage, hosts: ReadonlySet<string> | undefined): boolean {
  if (hosts === undefined) return true;
  const host = request.headers.host;
  if (host === undefined) return false;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]!;
  return hosts.has(name.toLowerCase());
}

function allow(request: IncomingMessage, response: ServerResponse, methods: string[]): boolean {
  if (methods.includes(request.method ?? '')) return true;
  response.setHeader('Allow', methods.join(', '));
  reply(response, 405, { error: `use ${methods.join(' or ')}` });
  return false;
}
