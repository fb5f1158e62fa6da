/**
 * Every runnable example in `examples/` runs to its end against the sources and prints what it
 * shows: the guides point at them, so one that stops working must fail here, not in a reader's
 * terminal. Each example is imported once (it runs at its module's top level) with its output
 * captured; the checks are on what it prints that does not depend on the machine's speed.
 *
 * Real time, not the injected clock: an example is what a reader runs, on the system clock with
 * real sleeps, and it is that program which must work. About 21 s in all (the dashboard's
 * example runs for 10 s), and the distributed example's few seconds more (consumer processes
 * starting). The demo has its own
 * file (demo.test.ts): it runs in a child process, as when piped to a file.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

/** Runs `examples/<file>` and returns what it printed, line by line. */
async function run(file: string): Promise<string[]> {
  const printed: string[] = [];
  const keep = (...parts: unknown[]) => {
    printed.push(parts.map(String).join(' '));
  };
  vi.spyOn(console, 'log').mockImplementation(keep);
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    keep(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
    return true;
  });
  // Through vitest's module runner, so '@troupe/*' in the example resolves to the sources.
  await import(/* @vite-ignore */ `../../examples/${file}`);
  return printed.join('\n').split(/[\r\n]+/);
}

/** The one printed line that starts with `prefix` (after leading spaces and a time stamp). */
function line(lines: string[], prefix: string): string {
  const found = lines.filter((l) => l.replace(/^\s*(\d+ ms\s+)?/, '').startsWith(prefix));
  if (found.length === 0)
    throw new Error(`no line starts with '${prefix}' in:\n${lines.join('\n')}`);
  return found[found.length - 1]!;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('examples', () => {
  it('through: results in source order, bounded concurrency, cancel on unsubscribe', async () => {
    const lines = await run('through.mjs');
    expect(line(lines, 'emitted in source order:')).toContain(
      'BARBAZQUX FOO QUUX CORGE <TaskFailed> A GARPLY WALDO',
    );
    expect(line(lines, 'at most')).toContain('at most 3 running at once');
    expect(line(lines, 'submitMany:')).toContain('X YY ZZZ');
  });

  it('batching: per-item results, the wrong-length error, and the partial batch at close', async () => {
    const lines = await run('batching.mjs');
    expect(line(lines, 'item 1:')).toBe('item 1: user-1');
    expect(line(lines, 'item 13:')).toContain('TaskFailed');
    expect(line(lines, 'wrong length:')).toContain('wrong length: true');
    expect(line(lines, 'after close:')).toBe('after close: user-40, user-41, user-42');
    expect(line(lines, 'items 30')).toContain('completed 27, failed 3');
  });

  it('rate-limit: never more than the limit per interval, results in order', async () => {
    const lines = await run('rate-limit.mjs');
    expect(line(lines, 'results in order:')).toBe('results in order: true');
    const perWindow = lines
      .map((l) => /: (\d+) starts/.exec(l)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number);
    expect(perWindow.reduce((a, b) => a + b, 0)).toBe(17);
    for (const starts of perWindow) expect(starts).toBeLessThanOrEqual(5);
  });

  it('priority-aging: with aging the low task waits less than without', async () => {
    const lines = await run('priority-aging.mjs');
    const waited = (prefix: string) =>
      Number(/low task waited (\d+) ms/.exec(line(lines, prefix))?.[1]);
    expect(waited('aging')).toBeLessThan(waited('strict'));
  });

  it('autoscaling: grows, shrinks to zero, starts again on demand, closes', async () => {
    const lines = await run('autoscaling.mjs');
    expect(line(lines, 'resize({ min: 0 }), quiet:')).toContain('0 workers');
    expect(line(lines, 'one task later:')).toContain('1 worker');
    expect(lines.some((l) => l.includes('scale.up'))).toBe(true);
    expect(lines.some((l) => l.includes('scale.down'))).toBe(true);
    expect(line(lines, 'closed')).toContain('closed');
  });

  it('health: a balancer routes round a pool while it is unhealthy, probes it, then ramps it up', async () => {
    const lines = await run('health.mjs');
    expect(line(lines, 'apiA: healthy → degraded:')).toContain('error rate');
    expect(line(lines, 'apiA: degraded → unhealthy:')).toContain('2 bad windows in a row');
    expect(line(lines, 'apiA: probing → healthy:')).toContain('2 probe tasks succeeded');
    expect(lines.some((l) => l.includes('apiB:'))).toBe(false);
    expect(line(lines, 'members:')).toContain('members: apiA healthy, apiB healthy');
    expect(line(lines, 'closed')).toContain('closed');
  });

  it('prometheus: serves /metrics on loopback, its own scrape adds up, then stops by itself', async () => {
    const lines = await run('prometheus.mjs');
    expect(line(lines, 'serving')).toMatch(/^serving http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(line(lines, 'completed + failed = submitted:')).toContain('true');
    expect(line(lines, 'failed as expected:')).toContain('true');
    expect(line(lines, 'timed runs = completed:')).toContain('true');
    expect(line(lines, 'troupe_pool_state')).toContain('state="running"} 1');
    expect(line(lines, 'closed')).toBe('closed');
  });

  it('system: orders over HTTP through a pipeline, a balancer and a batch writer; the report adds up', async () => {
    const lines = await run('system/index.mjs');
    expect(line(lines, 'serving')).toMatch(/^serving http:\/\/127\.0\.0\.1:\d+\/orders$/);
    // The load is fixed: 20 orders invalid, 8 for a discontinued item, 7 too slow to price.
    expect(line(lines, 'sent 300 requests')).toBe(
      'sent 300 requests, answered 300: 201 stored 265, 422 invalid 20, 502 pricing failed 8, ' +
        '504 pricing timed out 7, 503 refused 0',
    );
    expect(line(lines, 'stored + refused = sent:')).toContain('true');
    expect(line(lines, 'validate:')).toBe(
      'validate: 300 orders, 280 valid, 20 invalid (= 422 answers: true)',
    );
    expect(line(lines, 'quote:')).toMatch(
      /^quote: 280 quotes = eu \d+ \+ us \d+; 265 priced, 8 failed, 7 timed out$/,
    );
    expect(line(lines, 'quotes = valid orders:')).toBe(
      'quotes = valid orders: true; priced = stored: true',
    );
    expect(line(lines, 'store:')).toMatch(/^store: 265 orders in \d+ batches .*265 rows written$/);
    expect(line(lines, 'rows = stored answers:')).toContain('true');
    expect(line(lines, 'all pools:')).toMatch(/ timed out: true;/);
    expect(line(lines, 'closed after')).toMatch(/^closed after \d+\.\d s$/);
  });

  it('dashboard: serves the page of a running system on loopback, crashes restarted, then stops', async () => {
    const lines = await run('dashboard.mjs');
    expect(line(lines, 'dashboard')).toMatch(/^dashboard http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(line(lines, 'token')).toMatch(/^token [0-9a-f]{32}$/);
    expect(line(lines, 'open')).toMatch(/^open http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]{32}$/);
    expect(line(lines, 'page:')).toBe('page: 200 text/html; charset=utf-8');
    // A poisoned task every 3 s over ~10 s: each crash restarted.
    const orders = /crashed (\d+), restarts (\d+)/.exec(line(lines, 'orders:'));
    expect(Number(orders?.[1])).toBeGreaterThanOrEqual(2);
    expect(orders?.[2]).toBe(orders?.[1]);
    expect(line(lines, 'closed')).toBe('closed');
  }, 30_000);

  it('thread-pool: every block hashed on threads, none left after close', async () => {
    const lines = await run('thread-pool/index.mjs');
    expect(line(lines, 'completed')).toContain('completed 64, failed 0, crashes 0');
    expect(line(lines, 'threads still running after close:')).toContain('after close: 0');
  });

  // Its consumers are child processes: given the threads suites' module hooks (NODE_OPTIONS,
  // which they inherit), they run the sources too. It starts a redis-server of its own (.ci/run
  // installs it).
  it('distributed: tasks over two consumer processes through Redis, every outcome back', async () => {
    const register = new URL('../threads/support/register-sources.mjs', import.meta.url).pathname;
    const before = process.env.NODE_OPTIONS;
    process.env.NODE_OPTIONS = `${before ?? ''} --import ${register}`.trim();
    let lines: string[];
    try {
      lines = await run('distributed/index.mjs');
    } finally {
      if (before === undefined) delete process.env.NODE_OPTIONS;
      else process.env.NODE_OPTIONS = before;
    }
    expect(line(lines, '40 thumbnails:')).toMatch(/north \d+, south \d+/);
    expect(line(lines, 'a failure comes back tagged:')).toContain(
      'TaskFailed, cause TypeError: not a png',
    );
    expect(line(lines, 'a timeout on the producer')).toContain('TaskTimedOut');
    expect(line(lines, 'consumer hosts reporting:')).toContain('north, south');
    expect(line(lines, 'all closed')).toBe('all closed');
  }, 60_000);
});
