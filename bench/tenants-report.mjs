/** The tenants section of the report: a key-hash balancer over 10,000 pools of 2 against one pool of 2. */
import { IN_FLIGHT, TENANTS } from './tenants.mjs';

/** From the issue: a `key-hash` balancer over 10,000 pools (size 2) routes trivial work at ≥ 0.8× the throughput of a single pool. */
export const TENANTS_TARGET = 0.8;

const count = (x) => Math.round(x).toLocaleString('en-US');
const ratio = (a, b) => `${(a / b).toFixed(2)}×`;
const spread = (xs) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;
const met = (s) => s.median.balancer / s.median.pool >= TENANTS_TARGET;

export function tenantsLines(t) {
  return [
    ...t.shapes.map(
      (s) =>
        `tenants (${s.name}, ${count(s.n)} tasks): key-hash balancer over ${count(TENANTS)} pools of 2 ${count(s.median.balancer)}/s, ` +
        `one pool of 2 ${count(s.median.pool)}/s; balancer / pool ${ratio(s.median.balancer, s.median.pool)} ` +
        `(per round ${spread(s.perRound)}; target ≥ ${TENANTS_TARGET}×: ${met(s) ? 'met' : 'MISSED'}); ` +
        `the pools fed directly / pool ${ratio(s.median.direct, s.median.pool)}, balancer / direct ${ratio(s.median.balancer, s.median.direct)}, ` +
        `one pool of ${count(2 * TENANTS)} / pool ${ratio(s.median.wide, s.median.pool)}`,
    ),
    `tenants setup: ${count(TENANTS)} pools running in ${(t.setup.poolsMs / 1000).toFixed(1)} s; balancer created in ${t.setup.createMs.toFixed(0)} ms, ` +
      `first keyed task (builds the ring) ${t.setup.ringMs.toFixed(0)} ms; with health on: created in ${t.setup.health.createMs.toFixed(0)} ms, ` +
      `longest event-loop stall while sampling ${t.setup.health.longestStallMs.toFixed(0)} ms`,
  ];
}

export function tenantsTable(t) {
  return [
    `| Load | Key-hash balancer over ${count(TENANTS)} pools of 2 (tasks/s) | One pool of 2 (tasks/s) | Balancer / pool | per round | Target ≥ ${TENANTS_TARGET}× | The ${count(TENANTS)} pools fed directly / pool | Balancer / direct | One pool of ${count(2 * TENANTS)} / pool |`,
    '| :--- | ---: | ---: | ---: | ---: | :---: | ---: | ---: | ---: |',
    ...t.shapes.map(
      (s) =>
        `| ${count(s.n)} tasks, ${s.name} | ${count(s.median.balancer)} | ${count(s.median.pool)} | ${ratio(s.median.balancer, s.median.pool)} | ${spread(s.perRound)} | ${met(s) ? 'met' : '**missed**'} | ${ratio(s.median.direct, s.median.pool)} | ${ratio(s.median.balancer, s.median.direct)} | ${ratio(s.median.wide, s.median.pool)} |`,
    ),
  ].join('\n');
}

export function tenantsSection(env, t) {
  const { setup } = t;
  return `## Per-tenant routing

Measured at commit ${env.revision}. Target from the issue: a \`key-hash\` balancer over ${count(TENANTS)} pools (size 2)
routes trivial work at least **${TENANTS_TARGET}×** the throughput of a single pool. Medians of ${env.tenantsRounds} rounds.

${tenantsTable(t)}

- Built once, outside the timed part, and reused by every round: ${count(TENANTS)} pools of 2 (\`worker: async (x) => x\`,
  \`queue.capacity: Infinity\`; running after ${(setup.poolsMs / 1000).toFixed(1)} s), \`createBalancer({ pools, strategy: 'key-hash', capacity: Infinity })\`
  over them (${setup.createMs.toFixed(0)} ms; its first keyed task builds the hash ring, ${count(TENANTS * 160)} points:
  ${setup.ringMs.toFixed(0)} ms), one pool of 2 and one of ${count(2 * TENANTS)}. Every task has a key, from ${count(100_000)}
  (\`{ key: 'tenant-…' }\`, made beforehand), and every peer gets the same options.
- **Which single pool.** One pool of 2, as the issue says, is the harder peer: the work is bound by each task's CPU,
  not by lanes, so a pool's size adds nothing, and one pool of ${count(2 * TENANTS)} (the balancer's total size) is
  slower (last column): every lane it starts is a worker going idle ⇄ busy. The fair question is then what the
  balancer costs on top of the pools it routes to: **the ${count(TENANTS)} pools fed directly** hands each task
  straight to the member the balancer would choose (looked up beforehand with the same \`keyHash\`): a router that
  costs nothing. Balancer / direct is the balancer's own overhead; direct / pool is what ${count(TENANTS)} pools cost
  against one, whatever routes to them.
- **At once**: all tasks submitted, then awaited with \`Promise.all\`. **${count(IN_FLIGHT)} in flight**: each of ${count(IN_FLIGHT)}
  loops submits its next task when its last one settles — a server's steady load, where a task mostly finds its
  member idle.
- Health on (\`health: true\`, \`intervalMs: 500\`) over the same pools: created in ${setup.health.createMs.toFixed(0)} ms; the longest
  gap between 1 ms timer ticks over 1 s of sampling every member was ${setup.health.longestStallMs.toFixed(0)} ms (members are sampled in
  slices of 256, spread over the interval).
`;
}
