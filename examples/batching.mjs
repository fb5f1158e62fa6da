// Batching: the worker takes an array of up to batch.size inputs and returns one result per
// item; a batch goes out when full, when its oldest item has waited batch.maxWaitMs, or when
// the pool closes. Callers still submit and get single items.
import { batchPool, BatchResultError, err, isOk, ok } from '@troupe/core';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const seen = [];

const pool = batchPool({
  name: 'lookup',
  size: 2,
  batch: { size: 10, maxWaitMs: 50 },
  // One round trip per batch, e.g. SELECT … WHERE id IN (…).
  worker: async (ids) => {
    seen.push(ids.length);
    await sleep(20);
    if (ids.includes(999)) return ids.slice(1); // a bug: one result short
    // One result per item, in order: a plain value, or an Either for that item alone
    // (ok and err are fp-ts's right and left).
    return ids.map((id) => (id % 13 === 0 ? err(new Error(`no user ${id}`)) : ok(`user-${id}`)));
  },
}).start();

// 25 items at once: two full batches of 10 at once, the last 5 after maxWaitMs.
const t0 = performance.now();
const results = await Promise.all(Array.from({ length: 25 }, (_, i) => pool.submit(i + 1)));
console.log(`25 items in ${Math.round(performance.now() - t0)} ms, batches of ${seen.join(', ')}`);
console.log(`item 1: ${results[0].right}`);
console.log(`item 13: ${results[12].left._tag} (${results[12].left.cause.message})`);
console.log(
  `ok: ${results.filter(isOk).length}, failed: ${results.filter((r) => !isOk(r)).length}`,
);

// A worker that returns the wrong number of results fails every item of that batch.
const broken = await Promise.all([pool.submit(999), pool.submit(1_000)]);
const cause = broken[0].left.cause;
console.log(`wrong length: ${cause instanceof BatchResultError} — ${cause.message}`);

// Only `signal` is per item; timeoutMs, retry and priority belong to the pool (per batch).
const refused = await pool.submit(1, { timeoutMs: 100 });
console.log(`per-item timeoutMs: ${refused.left.reason} — ${refused.left.message}`);

// close() sends the batch being filled at once instead of waiting for maxWaitMs.
const last = [pool.submit(40), pool.submit(41), pool.submit(42)];
await pool.close();
console.log(`after close: ${(await Promise.all(last)).map((r) => r.right).join(', ')}`);

const { metrics } = pool.getSnapshot();
const b = metrics.batch;
console.log(
  `items ${b.items} (completed ${b.completed}, failed ${b.failed}) in ${b.batches} batches`,
);
console.log(
  `batch size p50 ${b.size.p50}, max ${b.size.max}; flushes ${JSON.stringify(b.flushes)}`,
);
console.log(
  `task counters count batches: submitted ${metrics.submitted}, completed ${metrics.completed}`,
);
