/**
 * A batch script whose thread dies with runs in flight: `node thread-death.mjs <exit|oom>
 * <concurrency>`. It awaits its tasks and nothing else keeps it alive; it prints one line of
 * outcomes (the first task kills its thread) and must then end by itself, without `close()`.
 */
import { createPool } from '@troupe/core';
import { fromWorkerThread } from '@troupe/threads';

const [kind = 'exit', concurrency = '1'] = process.argv.slice(2);

async function main() {
  const pool = createPool({
    worker: fromWorkerThread(new URL('../fixtures/dispatch.mjs', import.meta.url), {
      concurrency: Number(concurrency),
      resourceLimits: { maxOldGenerationSizeMb: 16 },
    }),
    size: 1,
  }).start();
  const inputs = [
    [kind, undefined],
    ['later', { id: 'later', delayMs: 20 }],
    ['echo', 'a'],
    ['echo', 'b'],
  ];
  const results = await Promise.all(inputs.map((input) => pool.submit(input)));
  const outcomes = results.map((r) => (r._tag === 'Right' ? `ok:${r.right}` : r.left._tag));
  console.log(`settled: ${outcomes.join(' ')}`);
}

// Not a top-level await: a script that is left with nothing to do ends with code 0 then.
main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
