/**
 * serveDashboard over a real loopback socket: the page, the event stream fed by the pool's
 * streams, the token on the controls, and what close leaves behind. Pools run on a virtual
 * clock (their metrics ticks come when the test moves time); the HTTP side is real I/O.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  createPool,
  createVirtualClock,
  InvalidOptionError,
  type Pool,
  type VirtualClock,
} from '@troupe/core';
import { serveDashboard, type DashboardHandle } from '@troupe/inspect';
import { Counted } from './support/counted.js';
import {
  call,
  openEvents,
  type EventStream,
  type StreamEvent,
} from './support/dashboard-client.js';

interface NodeData {
  id: string;
  parent: string | null;
  kind: string;
  name: string;
  state: string;
  detail: string;
  machines: Record<string, string[]>;
}

const opened: { close(): unknown }[] = [];
afterEach(async () => {
  for (const thing of opened.splice(0).reverse()) await thing.close();
});

function pool(clock: VirtualClock, size = 2): Pool<number, number> {
  const p = createPool({ name: 'work', size, clock, worker: async (n: number) => n * 2 }).start();
  opened.push(p);
  return p;
}

async function serve(target: Parameters<typeof serveDashboard>[0], clock: VirtualClock) {
  const dashboard = await serveDashboard(target, { clock, charts: 'list' });
  opened.push(dashboard);
  return dashboard;
}

async function stream(dashboard: DashboardHandle): Promise<EventStream> {
  const events = await openEvents(dashboard.url);
  opened.push(events);
  return events;
}

const nodeEvent = (test: (node: NodeData) => boolean) => (event: StreamEvent) =>
  event.type === 'node' && test((event.data as { node: NodeData }).node);

describe('serveDashboard', () => {
  it('serves one self-contained page on loopback, with the machines drawn', async () => {
    const clock = createVirtualClock();
    const dashboard = await serve(pool(clock), clock);
    expect(dashboard.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(dashboard.token).toMatch(/^[0-9a-f]{32}$/);
    const page = await call(dashboard.url, '/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('content-security-policy')).toContain("connect-src 'self'");
    expect(page.body).toContain('<figure class="machine" data-machine="pool" data-format="list">');
    expect(page.body).toContain('data-state="pool.running"');
    expect(page.body).toContain('data-state="worker.idle"');
    // Nothing from outside: no external element, and the only URLs are namespace names.
    expect(page.body).not.toMatch(/<(link|img|iframe)\b|\bsrc=/);
    const urls = page.body.match(/https?:\/\/[^\s"'<>)]+/g) ?? [];
    for (const url of urls) expect(url).toBe('http://www.w3.org/2000/svg');
    // The nonce of the inline script is the policy's, and new at each load.
    const nonce = /<script nonce="([^"]+)">/.exec(page.body)?.[1];
    expect(page.headers.get('content-security-policy')).toContain(`'nonce-${nonce}'`);
    expect((await call(dashboard.url, '/')).body).not.toContain(`nonce="${nonce}"`);
    expect((await call(dashboard.url, '/nowhere')).status).toBe(404);
    expect((await call(dashboard.url, '/events', { method: 'POST' })).status).toBe(405);
  });

  it('streams the tree at once, then each change of state as the pool tells it', async () => {
    const clock = createVirtualClock();
    const p = pool(clock);
    await clock.advance(0);
    const dashboard = await serve(p, clock);
    const events = await stream(dashboard);
    const first = await events.next((e) => e.type === 'snapshot');
    const snapshot = first.data as { nodes: NodeData[]; kind: string; name: string };
    expect(snapshot.kind).toBe('pool');
    expect(snapshot.nodes.map((n) => [n.id, n.state])).toEqual([
      ['pool:work', 'running'],
      ['worker:work/work-w1', 'idle'],
      ['worker:work/work-w2', 'idle'],
    ]);
    expect(snapshot.nodes[0]!.machines).toEqual({ pool: ['pool.running'] });

    await p.resize(3);
    await events.next(nodeEvent((n) => n.id === 'worker:work/work-w3' && n.state === 'idle'));
    await events.next(
      (e) =>
        e.type === 'log' && (e.data as { entry: { text: string } }).entry.text === 'resized 2 → 3',
    );
    const closing = p.close();
    await events.next(nodeEvent((n) => n.id === 'pool:work' && n.state === 'closing'));
    await closing;
    await events.next(nodeEvent((n) => n.id === 'pool:work' && n.state === 'stopped'));
    await events.next(
      (e) => e.type === 'node-removed' && (e.data as { id: string }).id === 'worker:work/work-w1',
    );
  });

  it('samples the metrics at each tick of metrics$ into the charts', async () => {
    const clock = createVirtualClock();
    const p = pool(clock);
    const dashboard = await serve(p, clock);
    const events = await stream(dashboard);
    await Promise.all([1, 2, 3, 4].map((n) => p.run(n)));
    await clock.advance(1_000);
    const sample = await events.next(
      (e) => e.type === 'sample' && (e.data as { sample: { at: number } }).sample.at === 1_000,
    );
    expect(sample.data).toMatchObject({ id: 'pool:work', sample: { workers: 2, restarts: 0 } });
    expect((sample.data as { sample: { p50: number | null } }).sample.p50).not.toBeNull();
  });

  it('refuses the controls without the token, and does nothing', async () => {
    const clock = createVirtualClock();
    const p = pool(clock);
    await clock.advance(0);
    const dashboard = await serve(p, clock);
    const none = await call(dashboard.url, '/pools/work/pause', { method: 'POST' });
    expect(none.status).toBe(401);
    const wrong = await call(dashboard.url, '/pools/work/resize', {
      method: 'POST',
      headers: { 'X-Troupe-Token': 'f'.repeat(32), 'Content-Type': 'application/json' },
      body: JSON.stringify({ size: 5 }),
    });
    expect(wrong.status).toBe(403);
    const wrongField = await call(dashboard.url, '/pools/work/close', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'token=nope',
    });
    expect(wrongField.status).toBe(403);
    await clock.advance(0);
    expect(p.isPaused).toBe(false);
    expect(p.getSnapshot()).toMatchObject({ state: 'running', size: 2 });

    const ok = await call(dashboard.url, '/pools/work/pause', {
      method: 'POST',
      headers: { 'X-Troupe-Token': dashboard.token },
    });
    expect(ok.status).toBe(202);
    expect(p.isPaused).toBe(true);
    const form = await call(dashboard.url, '/pools/work/resize', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `token=${dashboard.token}&size=3`,
    });
    expect(form.status).toBe(202);
    await clock.advance(0);
    expect(p.getSnapshot().size).toBe(3);
    const bad = await call(dashboard.url, '/pools/work/resize', {
      method: 'POST',
      headers: { 'X-Troupe-Token': dashboard.token, 'Content-Type': 'application/json' },
      body: JSON.stringify({ size: -1 }),
    });
    expect(bad.status).toBe(400);
    const unknown = await call(dashboard.url, '/pools/other/pause', {
      method: 'POST',
      headers: { 'X-Troupe-Token': dashboard.token },
    });
    expect(unknown.status).toBe(404);
  });

  it('answers to loopback host names only', async () => {
    const clock = createVirtualClock();
    const dashboard = await serve(pool(clock), clock);
    const { port } = new URL(dashboard.url);
    const answer = await new Promise<number>((resolve, reject) => {
      import('node:http')
        .then(({ get }) =>
          get(
            { host: '127.0.0.1', port, path: '/', headers: { Host: `evil.example:${port}` } },
            (r) => {
              r.resume();
              resolve(r.statusCode ?? 0);
            },
          ).on('error', reject),
        )
        .catch(reject);
    });
    expect(answer).toBe(403);
  });

  it('close ends the streams, stops listening and unsubscribes from every stream of the pool', async () => {
    const clock = createVirtualClock();
    const p = pool(clock);
    const counted = new Counted();
    const dashboard = await serve(counted.pool(p), clock);
    const events = await stream(dashboard);
    await events.next((e) => e.type === 'snapshot');
    expect(Object.fromEntries(counted.live)).toEqual({
      'work.state$': 1,
      'work.events$': 1,
      'work.metrics$': 1,
    });
    const closing = dashboard.close();
    expect(dashboard.close()).toBe(closing);
    await closing;
    await events.end();
    expect(counted.total()).toBe(0);
    await expect(fetch(dashboard.url)).rejects.toThrow();
    // The pool goes on, the dashboard gone.
    expect(await p.run(21)).toBe(42);
  });

  it('throws InvalidOptionError naming a bad option or target', () => {
    const clock = createVirtualClock();
    const p = pool(clock);
    const bad = (options: object, option: string) => {
      expect(() => serveDashboard(p, options as never)).toThrow(InvalidOptionError);
      try {
        void serveDashboard(p, options);
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidOptionError);
        expect(error).toHaveProperty('option', option);
      }
    };
    bad({ port: 70_000 }, 'port');
    bad({ port: 1.5 }, 'port');
    bad({ host: '' }, 'host');
    bad({ token: 'short' }, 'token');
    bad({ history: 1 }, 'history');
    bad({ logSize: 0 }, 'logSize');
    bad({ maxClients: 0 }, 'maxClients');
    bad({ charts: 'png' }, 'charts');
    bad({ clock: {} }, 'clock');
    bad({ prot: 80 }, 'prot');
    expect(() => serveDashboard({} as never)).toThrow(/invalid option `target`/);
    expect(() => serveDashboard(null as never)).toThrow(InvalidOptionError);
  });
});
