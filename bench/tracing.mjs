/**
 * What tracing costs a pool that has it on but records nothing, against one without it: the same
 * trivial work (`async (x) => x`, 200,000 tasks, all submitted at once and 1,000 in
 * flight) through a pool of 4 with `tracing: { tracer }` whose provider samples nothing
 * (`AlwaysOffSampler`: every span a non-recording one) and through the same pool without the
 * option. A pool without `tracing` runs no tracing code at all (decided at creation: one
 * `undefined` check at a submit and a settle), so "no tracer" is also what every untraced pool
 * costs. An AsyncLocalStorage context manager is registered for both, as an app that traces
 * has one. Rounds alternate the order of the two.
 */
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AlwaysOffSampler, BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { createPool } from '@troupe/core';
import { collectGarbage, median, preallocate, until } from './util.mjs';

export const TRACING_TASKS = 200_000;
const IN_FLIGHT = 1_000;
const SIZE = 4;
export const TRACING_VARIANTS = ['untraced', 'unsampled'];
const task = async (x) => x;

/** Times `n` submits: all at once, or `inFlight` at a time. Returns tasks/s. */
async function timed(pool, n, inFlight) {
  collectGarbage();
  const t0 = performance.now();
  if (inFlight === undefined) {
    const promises = preallocate(n);
    for (let i = 0; i < n; i++) promises[i] = pool.submit(i);
    const results = await Promise.all(promises);
    const ms = performance.now() - t0;
    if (results[n - 1]._tag !== 'Right') throw new Error(`task ${n - 1} did not complete`);
    return (n * 1000) / ms;
  }
  let next = 0;
  const lane = async () => {
    while (next < n) {
      const result = await pool.submit(next++);
      if (result._tag !== 'Right') throw new Error('a task did not complete');
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return (n * 1000) / (performance.now() - t0);
}

/** One fresh pool of each variant per measurement, timed once running. */
async function measureOnce(variant, tracer, n, inFlight) {
  const pool = createPool({
    size: SIZE,
    worker: task,
    queue: { capacity: Infinity },
    ...(variant === 'unsampled' ? { tracing: { tracer } } : {}),
  }).start();
  await until(() => pool.getSnapshot().state === 'running');
  const perSecond = await timed(pool, n, inFlight);
  await pool.close();
  return perSecond;
}

/** The tracing section: tasks/s of each variant, each load shape, medians over `rounds`. */
export async function measureTracing({ rounds, log }) {
  const manager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(manager);
  const provider = new BasicTracerProvider({ sampler: new AlwaysOffSampler() });
  const tracer = provider.getTracer('troupe-bench');
  const shapes = [
    { name: 'at once', n: TRACING_TASKS, inFlight: undefined },
    { name: `${IN_FLIGHT} in flight`, n: TRACING_TASKS, inFlight: IN_FLIGHT },
  ];
  try {
    // Warm-up: both variants once, untimed.
    for (const variant of TRACING_VARIANTS) await measureOnce(variant, tracer, 20_000, undefined);
    const result = [];
    for (const shape of shapes) {
      const samples = { untraced: [], unsampled: [] };
      for (let round = 0; round < rounds; round++) {
        const order = round % 2 === 0 ? TRACING_VARIANTS : [...TRACING_VARIANTS].reverse();
        for (const variant of order)
          samples[variant].push(await measureOnce(variant, tracer, shape.n, shape.inFlight));
      }
      const m = { untraced: median(samples.untraced), unsampled: median(samples.unsampled) };
      const perRound = samples.unsampled.map((x, i) => x / samples.untraced[i]);
      log(
        `tracing (${shape.name}): untraced ${Math.round(m.untraced)}/s, sampling off ${Math.round(m.unsampled)}/s`,
      );
      result.push({ ...shape, samples, median: m, perRound });
    }
    return { size: SIZE, shapes: result };
  } finally {
    context.disable();
    await provider.shutdown();
  }
}
