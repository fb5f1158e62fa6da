// Work as a stream: an RxJS source piped through a pool. Each item runs on a worker; the
// operator keeps at most `concurrency` items in the pool (the rest wait in the operator) and,
// with `ordered: true`, emits the results (Eithers) in source order however the tasks finish.
import { createPool, isOk, through } from '@troupe/core';
import { from, lastValueFrom, map, take, toArray } from 'rxjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const finished = [];
let running = 0;
let mostRunning = 0;

const pool = createPool({
  name: 'words',
  size: 3,
  worker: async (word) => {
    mostRunning = Math.max(mostRunning, ++running);
    await sleep(word.length * 15); // longer words take longer
    running--;
    if (word === 'grault') throw new Error(`no shouting ${word}`);
    finished.push(word);
    return word.toUpperCase();
  },
}).start();

const words = ['barbazqux', 'foo', 'quux', 'corge', 'grault', 'a', 'garply', 'waldo'];
const show = (result) => (isOk(result) ? result.right : `<${result.left._tag}>`);

const shouted = await lastValueFrom(
  from(words).pipe(through(pool, { ordered: true }), map(show), toArray()),
);
console.log(`finished in this order:  ${finished.join(' ')}`);
console.log(`emitted in source order: ${shouted.join(' ')}`);
console.log(`at most ${mostRunning} running at once (the pool has 3 workers)`);

// Unsubscribing (here: take(2)) cancels the tasks still in flight.
const firstTwo = await lastValueFrom(
  from(words).pipe(through(pool, { concurrency: 5 }), take(2), map(show), toArray()),
);
await pool.onIdle();
const { cancelled } = pool.getSnapshot().metrics;
console.log(`first two to finish: ${firstTwo.join(' ')}; cancelled on unsubscribe: ${cancelled}`);

// submitMany: one call, one promise, results in input order (each item admitted like submit).
const many = await pool.submitMany(['x', 'yy', 'zzz']);
console.log(`submitMany: ${many.map(show).join(' ')}`);
await pool.close();
