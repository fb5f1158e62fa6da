/**
 * The `/metrics` handler on a real server on loopback: the path serves the exposition, other
 * paths are 404, other methods 405, and a registry that fails is a 500 that says why.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Gauge, Registry } from 'prom-client';
import { createPrometheusExporter, type PrometheusExporter } from '@troupe/prometheus';
import { serve, type Served } from './support/scrape.js';

let server: Served | undefined;
let exporter: PrometheusExporter | undefined;

afterEach(async () => {
  await server?.close();
  exporter?.close();
  server = undefined;
  exporter = undefined;
});

async function served(options: Parameters<typeof createPrometheusExporter>[0] = {}) {
  exporter = createPrometheusExporter(options);
  server = await serve(exporter.handler);
  return server.origin;
}

describe('the /metrics handler', () => {
  it('serves GET /metrics (a query string too) as text, HEAD without a body', async () => {
    const origin = await served();
    for (const path of ['/metrics', '/metrics?name[]=troupe_tasks_total']) {
      const response = await fetch(origin + path);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(await response.text()).toContain('# TYPE troupe_tasks_total counter');
    }
    const head = await fetch(`${origin}/metrics`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBeGreaterThan(100);
    expect(await head.text()).toBe('');
  });

  it('answers 404 on any other path and 405 on another method', async () => {
    const origin = await served();
    for (const path of ['/', '/metric', '/metrics/', '/metricsx', '/other/metrics']) {
      const response = await fetch(origin + path);
      expect(response.status, path).toBe(404);
      await response.text();
    }
    const post = await fetch(`${origin}/metrics`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    await post.text();
  });

  it('serves at the path it is given', async () => {
    const origin = await served({ path: '/troupe/metrics' });
    expect((await fetch(`${origin}/troupe/metrics`)).status).toBe(200);
    const old = await fetch(`${origin}/metrics`);
    expect(old.status).toBe(404);
    await old.text();
  });

  it('answers 500 with the reason when a metric of the registry cannot be collected', async () => {
    const registry = new Registry();
    new Gauge({
      name: 'broken',
      help: 'a gauge whose collect fails',
      registers: [registry],
      collect() {
        throw new Error('the sensor is unplugged');
      },
    });
    const origin = await served({ registry });
    const response = await fetch(`${origin}/metrics`);
    expect(response.status).toBe(500);
    expect(await response.text()).toBe('could not collect the metrics: the sensor is unplugged\n');
  });
});
