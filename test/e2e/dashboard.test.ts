/**
 * The dashboard in a real browser: Debian's Chromium, driven by playwright-core, opens the page
 * of a running system and sees what a person would — the tree and its states, a worker crashed
 * by a fault-injecting task and restarted, the throughput chart moving, the controls refused
 * without the token and a resize done with it. A screenshot is kept in .ci/out/dashboard.png.
 *
 * Real time throughout: the browser and the system run on their own clocks, as a person's
 * would. Every wait is bounded; the browser is closed in afterAll whatever happened.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSystem, fromAsync, WorkerCrashedError } from '@troupe/core';
import { serveDashboard, type DashboardHandle } from '@troupe/inspect';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../.ci/out/dashboard.png');
const WAIT = { timeout: 10_000 };

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** 2-6 ms of work; input -1 is a fault that breaks the worker (WorkerCrashedError). */
const job = fromAsync({
  run: async (n: number) => {
    if (n === -1) throw new WorkerCrashedError('injected fault');
    await sleep(2 + (n % 5));
    return n;
  },
});

function makeSystem() {
  return createSystem({
    name: 'shop',
    metrics: { intervalMs: 250 },
    pools: {
      orders: { size: 2, worker: job, metrics: { intervalMs: 250, windowMs: 2_000 } },
      mail: { size: 1, worker: job, metrics: { intervalMs: 250, windowMs: 2_000 } },
      jobs: { size: 1, worker: job, supervision: { backoff: { minMs: 300, maxMs: 300 } } },
    },
    balancers: { front: { pools: ['orders', 'mail'] } },
  });
}

let system: ReturnType<typeof makeSystem> | undefined;
let dashboard: DashboardHandle | undefined;
let browser: Browser | undefined;
let page: Page;
let loading = true;
let load: Promise<void> = Promise.resolve();
const requests: string[] = [];

/** The text of the state badge of node `id`. */
const stateOf = (id: string) =>
  page.locator(`li.node[data-id="${id}"] > .row > .badge`).textContent(WAIT);

/** Polls what the page shows until it passes, for at most `WAIT.timeout`. */
const eventually = <T>(read: () => Promise<T>) =>
  expect.poll(read, { timeout: WAIT.timeout, interval: 100 });

/** Waits until the page has `count` worker nodes under pool `pool`. */
const workersUnder = (pool: string, count: number) =>
  eventually(() => page.locator(`li.node[data-id="pool:${pool}"] > ul > li.worker`).count()).toBe(
    count,
  );

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not at ${CHROMIUM}: the browser tests need Debian's chromium package ` +
        '(apt-get install -y --no-install-recommends chromium; .ci/run installs it)',
    );
  }
  system = makeSystem();
  await system.start();
  const front = system.balancer('front');
  load = (async () => {
    for (let i = 0; loading; i++) {
      await Promise.all([0, 1, 2, 3].map((k) => front.submit(i * 4 + k)));
    }
  })();
  dashboard = await serveDashboard(system);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
    timeout: 30_000,
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
  page.setDefaultTimeout(10_000);
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(dashboard.url, { timeout: 15_000 });
  await page.locator('#status.live').waitFor(WAIT);
}, 60_000);

afterAll(async () => {
  loading = false;
  // The artefact: the page as the tests left it, kept whether they passed or not.
  try {
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true, timeout: 10_000 });
  } catch {
    // No page (the browser did not start) or no screenshot: the tests' own errors say why.
  }
  await browser?.close();
  await dashboard?.close();
  await load;
  await system?.close({ timeoutMs: 5_000 });
}, 30_000);

describe('the dashboard in Chromium', () => {
  it('shows the tree system → balancer → pools → workers with their states', async () => {
    expect(await stateOf('system:shop')).toBe('running');
    expect(await stateOf('balancer:front')).toBe('running');
    for (const pool of ['orders', 'mail', 'jobs'])
      expect(await stateOf(`pool:${pool}`)).toBe('running');
    // Pools behind the balancer sit under it; the others under the system.
    await page.locator('li[data-id="balancer:front"] li[data-id="pool:orders"]').waitFor(WAIT);
    await page.locator('li[data-id="system:shop"] > ul > li[data-id="pool:jobs"]').waitFor(WAIT);
    await workersUnder('orders', 2);
    expect(await stateOf('worker:jobs/jobs-w1')).toBe('idle');
    // A system's pools are closed through the system: no close button for them.
    const controls = page.locator('li[data-id="pool:orders"] > .row .controls button');
    expect(await controls.count()).toBe(3);
    // The system's chart highlights its state.
    await page
      .locator('figure[data-machine="system"] .current[data-state="system.running"]')
      .waitFor(WAIT);
  }, 20_000);

  it('shows a worker crashed by a fault-injecting task, restarting, then idle again', async () => {
    const outcome = await system!.pool('jobs').submit(-1);
    expect(outcome._tag).toBe('Left');
    const entry = (kind: string) =>
      page.locator(`#log li[data-source="pool:jobs"][data-kind="${kind}"]`);
    await entry('worker.crashed').waitFor(WAIT);
    expect(await entry('worker.crashed').textContent()).toContain(
      'jobs-w1 crashed: WorkerCrashedError: injected fault',
    );
    await entry('worker.restarting').waitFor(WAIT);
    await entry('worker.restarted').waitFor(WAIT);
    const items = await page.locator('#log li[data-source="pool:jobs"]').all();
    const kinds = await Promise.all(items.map((li) => li.getAttribute('data-kind')));
    const at = (kind: string) => kinds.indexOf(kind);
    expect(at('worker.crashed')).toBeLessThan(at('worker.restarting'));
    expect(at('worker.restarting')).toBeLessThan(at('worker.restarted'));
    await eventually(() =>
      page.locator('li.node[data-id="worker:jobs/jobs-w1-r1"]').getAttribute('data-state', WAIT),
    ).toBe('idle');
    expect(await page.locator('li.node[data-id="worker:jobs/jobs-w1"]').count()).toBe(0);
  }, 20_000);

  it('moves the throughput chart as tasks complete', async () => {
    await page.locator('li.node[data-id="pool:orders"] > .row > .name').click();
    const chart = page.locator('figure.metric[data-metric="throughput"]');
    const points = () => chart.locator('polyline').first().getAttribute('points', WAIT);
    await eventually(async () =>
      Number(await chart.getAttribute('data-samples', WAIT)),
    ).toBeGreaterThanOrEqual(3);
    const before = await points();
    await eventually(points).not.toBe(before);
    const latest = await chart.locator('.latest').textContent();
    expect(Number.parseFloat(latest ?? '')).toBeGreaterThan(0);
    expect(await page.locator('#metrics-source').textContent()).toContain('pool orders');
  }, 20_000);

  it('refuses the controls without the token, and nothing changes', async () => {
    const row = page.locator('li.node[data-id="pool:orders"] > .row');
    await row.locator('input.size').fill('3');
    await row.locator('button[data-action="resize"]').click();
    await page.locator('#control-result.refused').waitFor(WAIT);
    expect(await page.locator('#control-result').textContent()).toContain('refused (401)');
    await page.locator('#token').fill('0'.repeat(32));
    await row.locator('button[data-action="pause"]').click();
    await eventually(() => page.locator('#control-result').textContent()).toContain(
      'refused (403)',
    );
    await sleep(300); // a tick of the metrics: the tree would show a change by now
    await workersUnder('orders', 2);
    expect(system!.pool('orders').getSnapshot()).toMatchObject({ size: 2, paused: false });
  }, 20_000);

  it('resizes a pool with the token: the worker count changes', async () => {
    await page.locator('#token').fill(dashboard!.token);
    const row = page.locator('li.node[data-id="pool:orders"] > .row');
    await row.locator('input.size').fill('3');
    await row.locator('button[data-action="resize"]').click();
    await eventually(() => page.locator('#control-result').textContent()).toContain('accepted');
    await workersUnder('orders', 3);
    expect(await row.locator('.detail').textContent()).toContain('size 3');
    await page.locator('#log li[data-kind="control.resize"]').first().waitFor(WAIT);
    // Nothing was fetched from anywhere but the dashboard itself.
    const origin = new URL(dashboard!.url).origin;
    expect(requests.filter((url) => !url.startsWith(origin))).toEqual([]);
  }, 20_000);
});
