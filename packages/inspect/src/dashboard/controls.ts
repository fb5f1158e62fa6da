/**
 * The page's controls, as `POST /pools/<name>/<action>`: `pause`, `resume`, `resize` (field
 * `size`) and `close`. Each needs the dashboard's token, in the `X-Troupe-Token` header or a
 * `token` field (JSON or form body): none → 401, another → 403, and nothing is done. A resize or
 * close that is refused later (the pool closing, a size outside a dynamic pool's bounds) is told
 * in the event log.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Action } from './control-actions.js';
import type { DashboardPool } from './dashboard-target.js';
import { describeCause } from './describe-event.js';
import type { EventLog } from './event-log.js';

/** What the controls act through. */
export interface ControlContext {
  readonly token: string;
  /** The pool `name` and what the controls may do to it. */
  pool(
    name: string,
  ): { readonly pool: DashboardPool; readonly actions: readonly Action[] } | undefined;
  readonly log: EventLog;
}

/** Most bytes a control's body may have. */
const MAX_BODY = 4096;

export async function handleControl(
  request: IncomingMessage,
  response: ServerResponse,
  poolName: string,
  action: Action,
  context: ControlContext,
): Promise<void> {
  let fields: Record<string, unknown>;
  try {
    fields = await readFields(request);
  } catch (error) {
    return reply(response, error instanceof BodyError ? error.status : 400, {
      error: describeCause(error),
    });
  }
  const header = request.headers['x-troupe-token'];
  const given = typeof header === 'string' ? header : fields['token'];
  if (typeof given !== 'string' || given === '') {
    return reply(response, 401, { error: 'the dashboard token is required for controls' });
  }
  if (!sameToken(given, context.token)) {
    return reply(response, 403, { error: 'wrong token' });
  }
  const found = context.pool(poolName);
  if (found === undefined) return reply(response, 404, { error: `no pool '${poolName}'` });
  const { pool, actions } = found;
  if (!actions.includes(action)) {
    return reply(response, 409, {
      error: `'${action}' is not offered for pool '${poolName}' (a system's pool closes through the system)`,
    });
  }
  const source = `pool:${pool.name}`;
  const tell = (text: string, level: 'info' | 'error' = 'info'): void =>
    context.log.add({ source, kind: `control.${action}`, text, level });
  try {
    switch (action) {
      case 'pause':
        pool.pause();
        tell('paused from the dashboard');
        break;
      case 'resume':
        pool.resume();
        tell('resumed from the dashboard');
        break;
      case 'resize': {
        const size = Number(fields['size']);
        if (fields['size'] === '' || !Number.isInteger(size) || size < 0) {
          return reply(response, 400, { error: 'size: a whole number of workers ≥ 0' });
        }
        tell(`resize to ${size} asked from the dashboard`);
        pool.resize(size).then(
          () => tell(`resized to ${size}`),
          (error: unknown) => tell(`resize to ${size} refused: ${describeCause(error)}`, 'error'),
        );
        break;
      }
      case 'close':
        tell('close asked from the dashboard');
        pool.close().then(
          () => tell('closed'),
          (error: unknown) => tell(`close failed: ${describeCause(error)}`, 'error'),
        );
        break;
    }
  } catch (error) {
    tell(`${action} refused: ${describeCause(error)}`, 'error');
    return reply(response, 409, { error: describeCause(error) });
  }
  reply(response, 202, { ok: true, pool: pool.name, action });
}

/** Compares tokens in time independent of where they differ. */
function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The body's fields: JSON, a form, or none. */
async function readFields(request: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readBody(request);
  if (text === '') return {};
  const type = request.headers['content-type'] ?? '';
  if (type.startsWith('application/json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new BodyError(400, 'the body is not JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new BodyError(400, 'the body is not a JSON object');
    }
    return parsed as Record<string, unknown>;
  }
  return Object.fromEntries(new URLSearchParams(text));
}

/** The body as text; past `MAX_BODY` the rest is read and dropped (so the answer can be sent). */
function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    request.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length <= MAX_BODY) chunks.push(chunk);
    });
    request.on('end', () => {
      if (length > MAX_BODY)
        reject(new BodyError(413, `a control's body is at most ${MAX_BODY} bytes`));
      else resolve(Buffer.concat(chunks).toString('utf8').trim());
    });
    request.on('error', reject);
  });
}

export function reply(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  response.end(text);
}
