/**
 * A script that submits inputs with bad transfer lists to a thread pool it never closes:
 * `node bad-transfer.mjs <concurrency>`. It prints each outcome; the pool is idle afterwards,
 * so the script must end by itself.
 */
import { createPool } from '@troupe/core';
import { fromWorkerThread, transfer } from '@troupe/threads';

const [concurrency = '1'] = process.argv.slice(2);

const pool = createPool({
  worker: fromWorkerThread(new URL('../fixtures/tasks.mjs', import.meta.url), {
    concurrency: Number(concurrency),
  }),
  size: 1,
}).start();
const buffer = () => new ArrayBuffer(8);
const inputs = [
  ['not a list', transfer('x', 5)],
  ['no list', transfer('x', undefined)],
  ['a plain object in it', transfer('x', [{}])],
  ['a number in it', transfer('x', [5])],
  ['the same buffer twice', ((b) => transfer(b, [b, b]))(buffer())],
  ['fine', transfer('y', [buffer()])],
];
const results = await Promise.all(inputs.map(([, input]) => pool.submit(input)));
for (const [i, result] of results.entries()) {
  const what = result._tag === 'Right' ? `ok:${result.right}` : result.left._tag;
  console.log(`${inputs[i][0]}: ${what}`);
}
console.log(`active: ${pool.getSnapshot().metrics.active}`);
