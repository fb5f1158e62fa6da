// A small order service as one system: an HTTP endpoint on loopback takes orders (POST /orders)
// and feeds them to a pipeline — validate (a pool), quote (a balancer over two pricing pools,
// one per region), store (a batch writer: one "INSERT" per batch of orders). A load generator
// in the same script sends a few hundred orders, some invalid, some for a discontinued item,
// some for an item whose price lookup is too slow; it prints what came back and what the pools
// did (every number adds up), then closes the server and the system. Runs in a couple of seconds.
//
//   node examples/system/index.mjs
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { createSystem } from '@troupe/core';
import { firstValueFrom, Subject } from 'rxjs';

const t0 = performance.now();

class InvalidOrder extends Error {}
class PricingError extends Error {}

/** Checks an order; what the later stages see has an id. */
let nextId = 1;
async function validate(order) {
  if (typeof order?.sku !== 'string' || !Number.isInteger(order.qty) || order.qty < 1)
    throw new InvalidOrder(`invalid order: ${JSON.stringify(order)}`);
  return { id: nextId++, sku: order.sku, qty: order.qty };
}

/**
 * A pricing backend of one region: a few ms; one item discontinued, one far too slow (the
 * pool's `timeoutMs` aborts `signal`, and the lookup stops).
 */
const pricing =
  (region) =>
  async (order, { signal }) => {
    await sleep(order.sku === 'sku-27' ? 300 : 2 + (order.qty % 5), undefined, { signal });
    if (order.sku === 'sku-13') throw new PricingError(`${order.sku} is discontinued (${region})`);
    return { ...order, price: 100 + order.qty * 25, region };
  };

/** The "database": one write per batch, one result per order. */
const db = [];
async function storeBatch(orders) {
  await sleep(5);
  db.push(...orders);
  return orders.map((o) => ({ id: o.id, total: o.price * o.qty, region: o.region }));
}

const system = createSystem({
  name: 'orders',
  pools: {
    validate: { worker: validate, size: 2 },
    quoteEU: { worker: pricing('eu'), size: 4, timeoutMs: 100 },
    quoteUS: { worker: pricing('us'), size: 4, timeoutMs: 100 },
    store: { worker: storeBatch, batch: { size: 20, maxWaitMs: 10 } },
  },
  balancers: { quote: { pools: ['quoteEU', 'quoteUS'], strategy: 'least-loaded' } },
  pipelines: { ingest: ['validate', 'quote', 'store'] },
  supervision: { strategy: 'one-for-one', maxRestarts: 3, withinMs: 60_000 },
});
await system.start();

// The endpoint: each order goes into the pipeline; results come out in order (`ordered`), so
// the n-th result answers the n-th request still waiting.
const orders$ = new Subject();
const waiting = [];
const answer = (result) => {
  const res = waiting.shift();
  if (result._tag === 'Right') return reply(res, 201, result.right);
  const error = result.left;
  const cause = error.cause;
  if (cause instanceof InvalidOrder) return reply(res, 422, { error: cause.message });
  if (cause instanceof PricingError) return reply(res, 502, { error: cause.message });
  if (error._tag === 'TaskTimedOut') return reply(res, 504, { error: 'pricing timed out' });
  return reply(res, 503, { error: error.message });
};
const reply = (res, status, body) => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};
const flowing = new Promise((resolve) =>
  system
    .pipeline('ingest')
    .process(orders$, { ordered: true, concurrency: 32, maxInFlight: 64 })
    .subscribe({ next: answer, complete: resolve }),
);
const server = createServer(async (req, res) => {
  if (req.method !== 'POST' || req.url !== '/orders') return reply(res, 404, { error: 'no' });
  let body = '';
  for await (const chunk of req) body += chunk;
  let order;
  try {
    order = JSON.parse(body);
  } catch {
    return reply(res, 400, { error: 'not JSON' });
  }
  waiting.push(res);
  orders$.next(order);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}/orders`;
console.log(`serving ${url}`);

// The load: 300 orders, 20 at a time. Every 15th has no quantity (invalid), sku-13 is
// discontinued, sku-27's price lookup takes longer than the quote pools' timeoutMs.
const REQUESTS = 300;
const statuses = new Map();
let sent = 0;
const client = async () => {
  while (sent < REQUESTS) {
    const i = sent++;
    const order = { sku: `sku-${i % 40}`, qty: i % 15 === 0 ? 0 : 1 + (i % 5) };
    const response = await fetch(url, { method: 'POST', body: JSON.stringify(order) });
    await response.json();
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
  }
};
await Promise.all(Array.from({ length: 20 }, client));

// The report: what the clients got, and what each pool did (one snapshot of all, same instant).
const count = (status) => statuses.get(status) ?? 0;
const answered = [...statuses.values()].reduce((a, b) => a + b, 0);
const refused = count(422) + count(502) + count(504) + count(503);
console.log(
  `sent ${REQUESTS} requests, answered ${answered}: 201 stored ${count(201)}, ` +
    `422 invalid ${count(422)}, 502 pricing failed ${count(502)}, ` +
    `504 pricing timed out ${count(504)}, 503 refused ${count(503)}`,
);
console.log(`stored + refused = sent: ${count(201) + refused === REQUESTS}`);
const { pools, balancers, total } = await firstValueFrom(system.metrics$);
const { validate: v, quoteEU: eu, quoteUS: us, store } = pools;
console.log(
  `validate: ${v.submitted} orders, ${v.completed} valid, ${v.failed} invalid ` +
    `(= 422 answers: ${v.failed === count(422)})`,
);
console.log(
  `quote: ${balancers.quote.submitted} quotes = eu ${eu.submitted} + us ${us.submitted}; ` +
    `${eu.completed + us.completed} priced, ${eu.failed + us.failed} failed, ` +
    `${eu.timedOut + us.timedOut} timed out`,
);
console.log(
  `quotes = valid orders: ${eu.submitted + us.submitted === v.completed}; ` +
    `priced = stored: ${eu.completed + us.completed === count(201)}`,
);
console.log(
  `store: ${store.batch.items} orders in ${store.batch.batches} batches ` +
    `(p50 ${store.batch.size.p50} a batch), ${db.length} rows written`,
);
console.log(
  `rows = stored answers: ${db.length === count(201) && store.batch.completed === db.length}`,
);
const ended = total.completed + total.failed + total.timedOut;
console.log(
  `all pools: ${total.submitted} tasks = ${total.completed} completed + ${total.failed} failed + ` +
    `${total.timedOut} timed out: ${ended === total.submitted}; latency p99 ${total.latency.p99.toFixed(0)} ms`,
);

// Close: the server stops taking requests, the pipeline finishes, then the system drains.
await new Promise((resolve) => server.close(resolve));
orders$.complete();
await flowing;
await system.close();
console.log(`closed after ${((performance.now() - t0) / 1000).toFixed(1)} s`);
