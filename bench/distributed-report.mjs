/** The distributed section of the report: Troupe's BullMQ executor against a bare BullMQ pair. */
import { DISTRIBUTED_CONCURRENCY, DISTRIBUTED_JOBS, DISTRIBUTED_TASK_MS } from './distributed.mjs';

/** From the issue: at most 20% overhead against bare BullMQ, near-linear scaling with consumers. */
export const DISTRIBUTED_TARGET = 0.8;

const count = (x) => Math.round(x).toLocaleString('en-US');
const ratio = (a, b) => `${(a / b).toFixed(2)}×`;
const met = (row) => row.median.troupe / row.median.bare >= DISTRIBUTED_TARGET;

/** Troupe's jobs/s with 3 consumers over those with 1. */
function scaling(d) {
  const one = d.rows.find((r) => r.consumers === 1);
  const three = d.rows.find((r) => r.consumers === 3);
  return one && three
    ? { troupe: three.median.troupe / one.median.troupe, bare: three.median.bare / one.median.bare }
    : undefined;
}

export function distributedLines(d) {
  const s = scaling(d);
  return [
    ...d.rows.map(
      (row) =>
        `distributed (${count(d.jobs)} jobs of ~${d.taskMs} ms, ${row.consumers} consumer process(es) × ${d.concurrency}): ` +
        `troupe ${count(row.median.troupe)}/s, bare BullMQ ${count(row.median.bare)}/s; troupe / bare ${ratio(row.median.troupe, row.median.bare)} ` +
        `(target ≥ ${DISTRIBUTED_TARGET}×: ${met(row) ? 'met' : 'MISSED'})`,
    ),
    ...(s === undefined
      ? []
      : [
          `distributed scaling 1 → 3 consumers: troupe ${ratio(s.troupe, 1)}, bare ${ratio(s.bare, 1)} (linear: 3×)`,
        ]),
  ];
}

export function distributedTable(d) {
  return [
    '| Consumers | Troupe (jobs/s) | Bare BullMQ (jobs/s) | Troupe / bare | Target ≥ 0.8× |',
    '| ---: | ---: | ---: | ---: | :---: |',
    ...d.rows.map(
      (row) =>
        `| ${row.consumers} | ${count(row.median.troupe)} | ${count(row.median.bare)} | ${ratio(row.median.troupe, row.median.bare)} | ${met(row) ? 'met' : '**missed**'} |`,
    ),
  ].join('\n');
}

export function distributedSection(env, d) {
  const s = scaling(d);
  return `## Distributed (BullMQ)

Measured at commit ${env.revision}. Target from issue 18: jobs/s through Troupe's BullMQ executor within 20% of a
bare BullMQ \`Worker\`/\`Queue\` pair on the same Redis, and near-linear scaling with consumers for tasks of ~5 ms.
Medians of ${env.distributedRounds} rounds.

${distributedTable(d)}
${s === undefined ? '' : `\nFrom 1 to 3 consumers: Troupe ${s.troupe.toFixed(2)}×, bare ${s.bare.toFixed(2)}× (linear is 3×).\n`}
- One \`redis-server\` (loopback, no persistence) for the section; a fresh queue per measurement. ${count(DISTRIBUTED_JOBS)} jobs,
  each a ~${DISTRIBUTED_TASK_MS} ms timer (I/O-like work), ${DISTRIBUTED_CONCURRENCY} at once per consumer process.
- **Troupe**: a producer pool on \`fromBullmq\` with every job in flight, each result awaited as an \`Either\`; consumers
  \`serveBullmq\` with a pool of ${DISTRIBUTED_CONCURRENCY}. **Bare**: \`Queue.addBulk\` (1,000 a call) and one \`QueueEvents\`
  counting completions; consumers a BullMQ \`Worker\` with \`concurrency: ${DISTRIBUTED_CONCURRENCY}\`.
`;
}
