/**
 * A batch script whose threads keep dying under load: `node thread-deaths.mjs <tasks> <every>`.
 * Every `every`-th task kills its thread (`process.exit`, now and then out of memory); the rest
 * answer. It awaits every task, never closes the pool, and prints one JSON line: the outcomes
 * by kind and the threads still alive. It must then end by itself.
 */
import { createPool } from '@troupe/core';
import { fromWorkerThread, threadStats } from '@troupe/threads';

const [tasks = '400', every = '40'] = process.argv.slice(2).map(Number);

async function main() {
  const pool = createPool({
    worker: fromWorkerThread(new URL('../../threads/fixtures/dispatch.mjs', import.meta.url), {
      concurrency: 8,
      resourceLimits: { maxOldGenerationSizeMb: 16 },
    }),
    size: 2,
    queue: { capacity: Infinity },
    // Deaths are the point: restarts must not run out, nor wait long.
    supervision: { maxRestarts: 1_000_000, withinMs: 1_000, backoff: { minMs: 1, maxMs: 5 } },
  }).start();
  const jobs = Array.from({ length: Number(tasks) }, (_, i) =>
    i % Number(every) === Number(every) - 1
      ? [i % (Number(every) * 5) === Number(every) * 5 - 1 ? 'oom' : 'exit', null]
      : ['echo', i],
  );
  const results = await Promise.all(jobs.map((job) => pool.submit(job)));
  const counts = { ok: 0, wrong: 0, crashedPoison: 0, crashedInnocent: 0, other: 0 };
  results.forEach((result, i) => {
    const poison = jobs[i][0] !== 'echo';
    if (result._tag === 'Right') counts[result.right === i ? 'ok' : 'wrong']++;
    else if (result.left._tag === 'WorkerCrashed')
      counts[poison ? 'crashedPoison' : 'crashedInnocent']++;
    else counts.other++;
  });
  const m = pool.getSnapshot().metrics;
  console.log(
    JSON.stringify({
      ...counts,
      state: pool.getSnapshot().state,
      crashes: m.crashes,
      live: threadStats().live,
    }),
  );
}

// Not a top-level await: a script left with nothing to do would end with code 0.
main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
