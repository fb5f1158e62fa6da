/** Turns measurements into a plain-text summary, markdown tables and docs/benchmarks.md. */
import {
  mixedTable,
  threadLines,
  threadSection,
  threadTable,
  threadVerdicts,
} from './threads-report.mjs';
import { balancerLines, balancerSection, balancerTable } from './balancer-report.mjs';
import {
  manyPoolsLines,
  manyPoolsOk,
  manyPoolsSection,
  manyPoolsTable,
} from './many-pools-report.mjs';
import { TENANTS_TARGET, tenantsLines, tenantsSection, tenantsTable } from './tenants-report.mjs';
import { tracingLines, tracingSection, tracingTable } from './tracing-report.mjs';
import { distributedLines, distributedSection, distributedTable } from './distributed-report.mjs';

/** From the issue: Troupe's throughput at least 3× p-queue's; its bytes per queued task at most 1/3 of p-queue's. */
export const THROUGHPUT_TARGET = 3;
export const MEMORY_TARGET = 1 / 3;
/** From the issue: priority dispatch at least 2× p-queue's (`priority` option); submitMany at least 2M trivial tasks/s. */
export const PRIORITY_TARGET = 2;
export const SUBMIT_MANY_TARGET = 2_000_000;

/** A refactor keeps every throughput row within 5 % of the build before it, and bytes per queued task not above it. */
export const BEFORE_TOLERANCE = 0.05;
const BEFORE = 'troupe before';

const count = (x) => Math.round(x).toLocaleString('en-US');
const ratio = (x) => `${x.toFixed(2)}×`;
/** A ratio that may be tiny (a pool against a bare loop): `0.35×`, or `1/10,270` below 0.1. */
const fraction = (x) => (x >= 0.1 ? ratio(x) : `1/${count(1 / x)}`);
const rounds = (n) => `${n} round${n === 1 ? '' : 's'}`;
const verdict = (ok) => (ok ? 'met' : '**missed**');
const plainVerdict = (ok) => (ok ? 'met' : 'MISSED');

const ratios = (row) => ({
  pQueue: row.median.troupe / row.median['p-queue'],
  pLimit: row.median.troupe / row.median['p-limit'],
  /** What the bare limiter reaches against p-queue: the most a limiter could on this row. */
  bareVsPQueue: row.median['bare limiter'] / row.median['p-queue'],
});
const memoryRatio = (memory) => memory.median.troupe / memory.median['p-queue'];
/** `a / b` within each round (the two ran back to back), as `min–max`. */
const spread = (a, b) => {
  const perRound = a.map((x, i) => x / b[i]);
  return `${Math.min(...perRound).toFixed(2)}–${Math.max(...perRound).toFixed(2)}`;
};
const roundSpread = (row) => spread(row.samples.troupe, row.samples['p-queue']);

/** The two Troupe queues of a priority row, each against p-queue. */
const priorityVariants = (priority, row) =>
  [
    ['troupe', 'strict'],
    ['troupe-aging', `aging every ${priority.agingEveryMs} ms`],
  ].map(([lib, queue]) => ({
    lib,
    queue,
    perSecond: row.median[lib],
    vsPQueue: row.median[lib] / row.median['p-queue'],
  }));
/** Whether each Troupe priority row (both queues) met the target, by task count: `met of total rows` lines. */
const priorityVerdicts = (priority) => {
  const counts = [...new Set(priority.rows.map((row) => row.n))];
  return counts.map((n) => {
    const rows = priority.rows.filter((row) => row.n === n);
    const checks = rows.flatMap((row) => priorityVariants(priority, row));
    const met = checks.filter((v) => v.vsPQueue >= PRIORITY_TARGET).length;
    return `${met} of ${checks.length} rows with ${count(n)} tasks`;
  });
};
const manyMisses = (many) =>
  many.rows
    .filter((row) => row.median.submitMany < SUBMIT_MANY_TARGET)
    .map((row) => `${row.caseId} worker at size ${row.size}`);
const manyRatios = (row) => ({
  bare: row.median.submitMany / row.median.bare,
  pQueue: row.median.submitMany / row.median['p-queue'],
  submit: row.median.submitMany / row.median.submit,
});

/** This build against the earlier one (`--baseline`), when it ran: `undefined` otherwise. */
const beforeRows = (rows) =>
  rows?.[0]?.median[BEFORE] === undefined
    ? undefined
    : rows.map((row) => ({
        row,
        after: row.median.troupe,
        before: row.median[BEFORE],
        ratio: row.median.troupe / row.median[BEFORE],
        perRound: spread(row.samples.troupe, row.samples[BEFORE]),
        ok: row.median.troupe / row.median[BEFORE] >= 1 - BEFORE_TOLERANCE,
      }));
const memoryBefore = (memory) =>
  memory?.median[BEFORE] === undefined
    ? undefined
    : {
        after: memory.median.troupe,
        before: memory.median[BEFORE],
        // (Half a percent for noise: the same build measures a few tenths of a byte apart.)
        ok: memory.median.troupe <= memory.median[BEFORE] * 1.005,
      };

// ---- plain lines, for the terminal ------------------------------------------------------

function beforeLines(throughput, memory, baseline) {
  const lines = (beforeRows(throughput) ?? []).map(
    (b) =>
      `before/after ${b.row.caseId} c=${b.row.concurrency}: troupe ${count(b.after)}/s, ${baseline} ${count(b.before)}/s; ` +
      `after/before ${ratio(b.ratio)} (${b.perRound} per round; target ≥ ${1 - BEFORE_TOLERANCE}: ${plainVerdict(b.ok)})`,
  );
  const m = memoryBefore(memory);
  if (m !== undefined)
    lines.push(
      `before/after memory: troupe ${m.after.toFixed(1)} B/task, ${baseline} ${m.before.toFixed(1)} B/task (target not above: ${plainVerdict(m.ok)})`,
    );
  return lines;
}

function throughputLines(rows) {
  return rows.map((row) => {
    const r = ratios(row);
    const { troupe, 'p-queue': pq, 'p-limit': pl, 'bare limiter': bare } = row.median;
    return (
      `${row.caseId} c=${row.concurrency}: troupe ${count(troupe)}/s, p-queue ${count(pq)}/s, p-limit ${count(pl)}/s, bare limiter ${count(bare)}/s; ` +
      `troupe/p-queue ${ratio(r.pQueue)}, troupe/p-limit ${ratio(r.pLimit)}, bare limiter/p-queue ${ratio(r.bareVsPQueue)} (target ≥ ${THROUGHPUT_TARGET}×: ${plainVerdict(r.pQueue >= THROUGHPUT_TARGET)})`
    );
  });
}

function memoryLine(memory) {
  const m = memoryRatio(memory);
  return (
    `memory (${count(memory.n)} queued): troupe ${memory.median.troupe.toFixed(1)} B/task, p-queue ${memory.median['p-queue'].toFixed(1)} B/task; ` +
    `troupe/p-queue ${m.toFixed(3)} (target ≤ 0.333: ${plainVerdict(m <= MEMORY_TARGET)})`
  );
}

function priorityLines(priority) {
  return priority.rows.map((row) => {
    const [strict, aging] = priorityVariants(priority, row);
    return (
      `priority ${count(row.n)} tasks, ${row.levels} levels, c=${row.concurrency}: troupe ${count(strict.perSecond)}/s, ` +
      `troupe+aging ${count(aging.perSecond)}/s, p-queue ${count(row.median['p-queue'])}/s; ` +
      `troupe/p-queue ${ratio(strict.vsPQueue)}, troupe+aging/p-queue ${ratio(aging.vsPQueue)} ` +
      `(target ≥ ${PRIORITY_TARGET}×: ${plainVerdict(strict.vsPQueue >= PRIORITY_TARGET)}, with aging ${plainVerdict(aging.vsPQueue >= PRIORITY_TARGET)})`
    );
  });
}

function submitManyLines(many) {
  return many.rows.map((row) => {
    const r = manyRatios(row);
    const { submitMany, submit, 'p-queue': pq, bare } = row.median;
    return (
      `submitMany ${row.caseId} size=${row.size} (${count(many.n)} tasks): submitMany ${count(submitMany)}/s ` +
      `(target ≥ ${count(SUBMIT_MANY_TARGET)}/s: ${plainVerdict(submitMany >= SUBMIT_MANY_TARGET)}), submit loop ${count(submit)}/s, ` +
      `p-queue addAll ${count(pq)}/s, bare loop ${count(bare)}/s; submitMany/bare ${fraction(r.bare)}, ` +
      `submitMany/p-queue ${ratio(r.pQueue)}, submitMany/submit ${ratio(r.submit)}`
    );
  });
}

/** Start and close in well under a second for 10,000 workers, and linear in size (DESIGN.md §8). */
export const LIFECYCLE_TARGET_MS = 1_000;
const ms = (x) => (x < 10 ? x.toFixed(2) : count(x));
const lifecycleOk = (row) =>
  row.size < 10_000 ||
  (row.median.started < LIFECYCLE_TARGET_MS && row.median.closed < LIFECYCLE_TARGET_MS);

function lifecycleLines(lifecycle) {
  return lifecycle.rows.map(
    ({ size, median: m }) =>
      `lifecycle size=${count(size)}: start ${ms(m.started)} ms (start() blocks ${ms(m.blocked)} ms), close ${ms(m.closed)} ms; ` +
      `per worker ${((m.started / size) * 1000).toFixed(1)} µs start, ${((m.closed / size) * 1000).toFixed(1)} µs close`,
  );
}

function lifecycleTable(lifecycle) {
  return [
    `| Workers | start → running (ms) | of which start() blocks (ms) | close (ms) | start per worker (µs) | close per worker (µs) | Target < ${count(LIFECYCLE_TARGET_MS)} ms each at 10,000 |`,
    '| ---: | ---: | ---: | ---: | ---: | ---: | :---: |',
    ...lifecycle.rows.map(({ size, median: m, ...row }) => {
      const cells = [
        count(size),
        ms(m.started),
        ms(m.blocked),
        ms(m.closed),
        ((m.started / size) * 1000).toFixed(1),
        ((m.closed / size) * 1000).toFixed(1),
        size < 10_000 ? '' : verdict(lifecycleOk({ size, median: m, ...row })),
      ];
      return `| ${cells.join(' | ')} |`;
    }),
  ].join('\n');
}

function lifecycleSection(env, lifecycle) {
  return `## Start and close

Measured at commit ${env.revision}. Target (issue 12, DESIGN.md §8): start and close linear in size; a pool of
10,000 trivial workers starts and closes in well under a second each. Medians of ${rounds(env.lifecycleRounds)}.

${lifecycleTable(lifecycle)}

- Each measurement creates a fresh pool (\`worker: async (x) => x\`, \`size\` as shown), collects garbage, and times
  \`start()\` until the pool is \`running\` (every worker ready; "start() blocks" is the synchronous part of that),
  runs one task, collects garbage again and times \`close()\` until it resolves. One untimed warm-up round runs first.
  Troupe alone: p-queue has nothing to start, and the thread pools start threads.
`;
}

/** Lines for the sections that ran (`results` holds `throughput`, `memory`, `priority`, `submitMany`, each optional). */
export function plainLines(results, { baseline } = {}) {
  const {
    throughput,
    memory,
    priority,
    submitMany,
    threads,
    lifecycle,
    balancer,
    manyPools,
    tenants,
    tracing,
    distributed,
  } = results;
  return [
    ...beforeLines(throughput, memory, baseline),
    ...(throughput === undefined ? [] : throughputLines(throughput)),
    ...(memory === undefined ? [] : [memoryLine(memory)]),
    ...(priority === undefined ? [] : priorityLines(priority)),
    ...(submitMany === undefined ? [] : submitManyLines(submitMany)),
    ...(threads === undefined ? [] : threadLines(threads)),
    ...(lifecycle === undefined ? [] : lifecycleLines(lifecycle)),
    ...(balancer === undefined ? [] : balancerLines(balancer)),
    ...(manyPools === undefined ? [] : manyPoolsLines(manyPools, { baseline })),
    ...(tenants === undefined ? [] : tenantsLines(tenants)),
    ...(tracing === undefined ? [] : tracingLines(tracing)),
    ...(distributed === undefined ? [] : distributedLines(distributed)),
  ].join('\n');
}

// ---- markdown tables ----------------------------------------------------------------------

/** This build beside the earlier one (`--baseline`): throughput rows and memory, or `undefined`. */
function beforeTable(throughput, memory, baseline) {
  const rows = beforeRows(throughput);
  const m = memoryBefore(memory);
  if (rows === undefined && m === undefined) return undefined;
  const lines = [];
  if (rows !== undefined)
    lines.push(
      `| Case | Concurrency | This build (tasks/s) | ${baseline} (tasks/s) | This / before | per round | Target ≥ ${1 - BEFORE_TOLERANCE} |`,
      '| --- | ---: | ---: | ---: | ---: | ---: | :---: |',
      ...rows.map(
        (b) =>
          `| ${b.row.label} | ${b.row.concurrency} | ${count(b.after)} | ${count(b.before)} | ${ratio(b.ratio)} | ${b.perRound} | ${verdict(b.ok)} |`,
      ),
    );
  if (m !== undefined)
    lines.push(
      '',
      `| Queued tasks | This build (bytes/task) | ${baseline} (bytes/task) | Target not above |`,
      '| ---: | ---: | ---: | :---: |',
      `| ${count(memory.n)} | ${m.after.toFixed(1)} | ${m.before.toFixed(1)} | ${verdict(m.ok)} |`,
    );
  return lines.join('\n');
}

function throughputTable(rows, tasks) {
  return [
    `| Case (${count(tasks)} tasks) | Concurrency | Troupe (tasks/s) | p-queue (tasks/s) | p-limit (tasks/s) | bare limiter (tasks/s) | Troupe / p-queue | per round | Troupe / p-limit | bare limiter / p-queue | Target ≥ ${THROUGHPUT_TARGET}× p-queue |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: |',
    ...rows.map((row) => {
      const r = ratios(row);
      const cells = [
        row.label,
        row.concurrency,
        count(row.median.troupe),
        count(row.median['p-queue']),
        count(row.median['p-limit']),
        count(row.median['bare limiter']),
      ];
      return `| ${[...cells, ratio(r.pQueue), roundSpread(row), ratio(r.pLimit), ratio(r.bareVsPQueue), verdict(r.pQueue >= THROUGHPUT_TARGET)].join(' | ')} |`;
    }),
  ].join('\n');
}

function memoryTable(memory) {
  const m = memoryRatio(memory);
  return [
    `| Queued tasks | Troupe (bytes/task) | p-queue (bytes/task) | Troupe / p-queue | Target ≤ 1/3 of p-queue |`,
    '| ---: | ---: | ---: | ---: | :---: |',
    `| ${count(memory.n)} | ${memory.median.troupe.toFixed(1)} | ${memory.median['p-queue'].toFixed(1)} | ${m.toFixed(3)} | ${verdict(m <= MEMORY_TARGET)} |`,
  ].join('\n');
}

function priorityTable(priority) {
  return [
    `| Tasks | Levels | Concurrency | Troupe queue | Troupe (tasks/s) | p-queue (tasks/s) | Troupe / p-queue | per round | Target ≥ ${PRIORITY_TARGET}× p-queue |`,
    '| ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | :---: |',
    ...priority.rows.flatMap((row) =>
      priorityVariants(priority, row).map((v) => {
        const cells = [
          count(row.n),
          row.levels,
          row.concurrency,
          v.queue,
          count(v.perSecond),
          count(row.median['p-queue']),
          ratio(v.vsPQueue),
          spread(row.samples[v.lib], row.samples['p-queue']),
          verdict(v.vsPQueue >= PRIORITY_TARGET),
        ];
        return `| ${cells.join(' | ')} |`;
      }),
    ),
  ].join('\n');
}

function submitManyTable(many) {
  return [
    `| Worker (${count(many.n)} tasks) | Size | submitMany (tasks/s) | Target ≥ ${count(SUBMIT_MANY_TARGET)}/s | submit + Promise.all (tasks/s) | p-queue addAll (tasks/s) | bare loop (tasks/s) | submitMany / bare loop | submitMany / p-queue | submitMany / submit |`,
    '| --- | ---: | ---: | :---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...many.rows.map((row) => {
      const r = manyRatios(row);
      const { submitMany, submit, 'p-queue': pq, bare } = row.median;
      const cells = [
        row.label,
        row.size,
        count(submitMany),
        verdict(submitMany >= SUBMIT_MANY_TARGET),
        count(submit),
        count(pq),
        count(bare),
        fraction(r.bare),
        ratio(r.pQueue),
        ratio(r.submit),
      ];
      return `| ${cells.join(' | ')} |`;
    }),
  ].join('\n');
}

/** The tables of the sections that ran, in markdown. */
export function markdownTables(results, { tasks, baseline }) {
  const {
    throughput,
    memory,
    priority,
    submitMany,
    threads,
    lifecycle,
    balancer,
    manyPools,
    tenants,
    tracing,
    distributed,
  } = results;
  return [
    beforeTable(throughput, memory, baseline),
    throughput && throughputTable(throughput, tasks),
    memory && memoryTable(memory),
    priority && priorityTable(priority),
    submitMany && submitManyTable(submitMany),
    threads && threadTable(threads),
    threads && mixedTable(threads),
    lifecycle && lifecycleTable(lifecycle),
    balancer && balancerTable(balancer),
    manyPools && manyPoolsTable(manyPools, { baseline }),
    tenants && tenantsTable(tenants),
    tracing && tracingTable(tracing),
    distributed && distributedTable(distributed),
  ]
    .filter(Boolean)
    .join('\n\n');
}

// ---- docs/benchmarks.md -------------------------------------------------------------------

/** "3 rounds (9 for the 20,000-task rows)": the rounds each task count got. */
function roundsPerCount(priority) {
  const byCount = new Map();
  for (const row of priority.rows) byCount.set(row.n, row.samples.troupe.length);
  const [[, most], ...rest] = [...byCount].sort((a, b) => b[0] - a[0]);
  const others = rest
    .filter(([, n]) => n !== most)
    .map(([tasks, n]) => `${n} for the ${count(tasks)}-task rows`);
  return others.length === 0 ? rounds(most) : `${rounds(most)} (${others.join('; ')})`;
}

function prioritySection(env, priority) {
  const counts = [...new Set(priority.rows.map((row) => row.n))];
  const smallest = Math.min(...counts);
  return `## Priority dispatch

Measured at commit ${env.revision}. Target from the issue: Troupe's priority dispatch at least
**${PRIORITY_TARGET}×** p-queue's (its \`priority\` option) at equal concurrency. Met in ${priorityVerdicts(priority).join('; ')}.

Medians of ${roundsPerCount(priority)}; "per round" is the range of Troupe / p-queue over the rounds. The
shorter rows get more rounds: one of their runs lasts 40–150 ms, so a single collection or scheduler hiccup moves
a sample by a third or more, and their runs are cheap.

${priorityTable(priority)}

- Each measurement creates a fresh pool (\`size\` = concurrency, \`queue: { kind: 'priority', levels, capacity: Infinity }\`,
  plus \`aging: { everyMs: ${priority.agingEveryMs} }\` in the aging rows; timed only once it is \`running\`) or a fresh
  \`new PQueue({ concurrency })\`, collects garbage (see [Method](#method)), then times submitting all the tasks (\`pool.submit(i, { priority })\`,
  \`queue.add(() => task(i), { priority })\`) into a preallocated array and awaiting them all with \`Promise.all\`.
  The task is \`async (x) => x\`. Priorities are \`0 … levels-1\` (higher runs first in both), drawn from one seeded
  generator: every library gets the same sequence. One options object per level is shared by all submits of that
  level, in both libraries.
- Before timing, a run of 2,000 tasks at concurrency 1 checks that both libraries start the tasks in the same order
  (by priority, first come first served within a level). One untimed warm-up round on ${count(smallest)} tasks runs
  first; in every round the three runs of a row go back to back, in an order that rotates from round to round.
- All tasks are queued before most of them run. p-queue keeps its queue as one array sorted by priority and inserts
  with a binary search and \`splice\`, so an \`add\` above the lowest priority queued moves every lower-priority task:
  its cost per task grows with the length of the queue. The ratio therefore depends on how many tasks are queued:
  the rows with ${count(smallest)} tasks show dispatch with much less of that effect.
`;
}

function submitManySection(env, many) {
  const misses = manyMisses(many);
  return `## submitMany

Measured at commit ${env.revision}. Target from the issue: \`submitMany\` at least **${count(SUBMIT_MANY_TARGET)}**
trivial tasks/s on this machine. Met in ${many.rows.length - misses.length} of ${many.rows.length} rows${misses.length === 0 ? '' : `; missed in: ${misses.join(', ')}`}.

Medians of ${rounds(env.manyRounds)}. The ratios are of the medians.

${submitManyTable(many)}

- Each measurement starts from an array of ${count(many.n)} numbers made beforehand and collected garbage (see [Method](#method)), and times until
  every output is in an array in input order: \`await pool.submitMany(inputs)\` on a fresh pool (\`size\` as shown,
  \`queue.capacity: Infinity\`, timed only once it is \`running\`); \`pool.submit(inputs[i])\` in a loop into a
  preallocated array, then \`Promise.all\`, on another fresh pool; \`await queue.addAll(inputs.map((x) => () => worker(x)))\`
  on a fresh \`new PQueue({ concurrency: size })\` (making the functions is timed: \`addAll\` takes nothing else); and a
  bare loop with no pool (it has no size; it is measured in each row all the same, back to back with the others).
- The bare loop is the floor: for the sync worker \`results[i] = worker(inputs[i])\`; for the async worker
  \`results[i] = await worker(inputs[i])\`, one call after another. That is the cheapest correct way to collect every
  output in order; \`Promise.all\` over all the calls is slower (a million promises pending at once), so it would
  flatter the pool.
- One untimed warm-up round on ${count(Math.ceil(many.n / 10))} inputs runs first; in every round the four variants of a row run
  back to back, in an order that rotates from round to round. Troupe's results are checked against its metrics.
`;
}

/** The whole of docs/benchmarks.md (every section must have run). */
export function benchmarkDoc(env, results) {
  const {
    throughput: rows,
    memory,
    priority,
    submitMany,
    threads,
    lifecycle,
    balancer,
    manyPools,
    tenants,
    tracing,
    distributed,
  } = results;
  const threadMisses = threadVerdicts(threads).filter((v) => !v.ok);
  const missed = rows.filter((row) => ratios(row).pQueue < THROUGHPUT_TARGET);
  const belowPeer = rows.filter((row) => ratios(row).pQueue < 1);
  const manyMissed = manyMisses(submitMany).length;
  return `# Benchmarks

Written by \`bench/run.mjs\`; do not edit by hand. To reproduce:

\`\`\`sh
${env.command}
\`\`\`

- Node ${env.node}, ${env.cpu}, ${env.cores} cores (\`os.cpus()\`), ${env.platform}
- Run on ${env.date}; load average ${env.load} when it started (other processes share the cores)
- p-queue ${env.versions['p-queue']}, p-limit ${env.versions['p-limit']}, piscina ${env.versions.piscina}, tinypool ${env.versions.tinypool}, workerpool ${env.versions.workerpool}, @troupe/core ${env.versions['@troupe/core']} at commit ${env.revision}

## Targets

From the issue: Troupe's throughput at least **${THROUGHPUT_TARGET}×** p-queue's at equal concurrency (metrics on,
as always), and at most **1/3** of p-queue's bytes per queued task. (DESIGN.md §8's budget is the floor
below that: at least p-queue's throughput, no more than its memory.)

- Throughput target met in ${rows.length - missed.length} of ${rows.length} rows${missed.length === 0 ? '' : `; missed in: ${missed.map((r) => `${r.caseId} at concurrency ${r.concurrency}`).join(', ')}`}.
- DESIGN.md §8 throughput budget (≥ 1×) met in ${rows.length - belowPeer.length} of ${rows.length} rows.
- Memory target ${memoryRatio(memory) <= MEMORY_TARGET ? 'met' : '**missed**'} (Troupe / p-queue = ${memoryRatio(memory).toFixed(3)}).
- Priority dispatch at least **${PRIORITY_TARGET}×** p-queue's: met in ${priorityVerdicts(priority).join('; ')} (see [Priority dispatch](#priority-dispatch)).
- \`submitMany\` at least **${count(SUBMIT_MANY_TARGET)}** trivial tasks/s: met in ${submitMany.rows.length - manyMissed} of ${submitMany.rows.length} rows (see [submitMany](#submitmany)).
- Start and close of 10,000 workers under ${count(LIFECYCLE_TARGET_MS)} ms each: ${lifecycle.rows.every(lifecycleOk) ? 'met' : '**missed**'} (see [Start and close](#start-and-close)).
- A balancer over two pools of 4 at least **0.9×** one pool of 8: ${balancer.ratio >= 0.9 ? 'met' : '**missed**'} (${balancer.ratio.toFixed(2)}×; see [Balancer](#balancer)).
- ${count(manyPools.n)} pools of 2 ready in under 3 s, holding under 200 MB: ${manyPoolsOk(manyPools) ? 'met' : '**missed**'} (see [Many pools](#many-pools)).
- A key-hash balancer over 10,000 pools of 2 at least **${TENANTS_TARGET}×** one pool of 2: ${tenants.shapes.map((s) => `${s.name} ${(s.median.balancer / s.median.pool).toFixed(2)}× (${s.median.balancer / s.median.pool >= TENANTS_TARGET ? 'met' : '**missed**'})`).join(', ')} (see [Per-tenant routing](#per-tenant-routing)).
- Worker threads (with default options: echo ≥ 10× piscina, ≥ 97 % busy on 1 ms tasks, mixed-workload p99 wait no worse than \`concurrency: 1\`; tuned: echo ≥ 10× piscina, 64 KiB transfers ≥ 2× piscina, ≥ 97 % busy on 1 ms tasks; round trip no worse than piscina's): ${threadMisses.length === 0 ? 'all met' : `missed: ${threadMisses.map((v) => v.what).join('; ')}`} (see [Worker threads](#worker-threads)).

## Results

Medians of ${rounds(env.rounds)} (throughput) and ${rounds(env.memoryRounds)} (memory). Ratios are of the medians;
"per round" is the range of Troupe / p-queue over the rounds.

${throughputTable(rows, env.tasks)}

${memoryTable(memory)}
${
  env.baseline === undefined
    ? ''
    : `
### Before and after

This build (commit ${env.revision}) beside the build of commit ${env.baseline}, measured in the same run
(\`--baseline\`: that commit checked out into a temporary worktree and built; its pools run as one more
library in every throughput round and memory round, in the same rotation): every throughput row within
${BEFORE_TOLERANCE * 100} % of before, bytes per queued task not above before. The method's own noise: one build
measured against itself came out 1.01–1.05× with \`--rounds 5\` and 0.92–0.99× with \`--rounds 3\` on this
machine, so use a number of rounds that is a multiple of the libraries (five), and read a row a few
percent off as noise unless it repeats.

${beforeTable(rows, memory, env.baseline)}
`
}
## Method

- **Throughput.** Each measurement creates a fresh pool (\`size\` = concurrency,
  \`queue.capacity: Infinity\`, timed only once it is \`running\`), a fresh \`new PQueue({ concurrency })\`
  or a fresh \`pLimit(concurrency)\`, collects garbage (every library starts from the same collected heap; see below),
  then times submitting all ${count(env.tasks)} tasks (\`pool.submit(i)\`, \`queue.add(() => task(i))\`,
  \`limit(() => task(i))\`) into a preallocated array and awaiting them all with \`Promise.all\`. Tasks
  are \`async (x) => x\` (trivial) and \`(x) => new Promise((r) => setImmediate(() => r(x)))\` (one
  setImmediate). One untimed warm-up round runs first; in every round each case runs the libraries
  back to back, in an order that rotates from round to round. Troupe's results are checked against its
  metrics afterwards.
- **Garbage before timing.** Every timed run, in every section, starts after two full GCs back to back
  (\`collectGarbage\` in \`bench/util.mjs\`). After a single one, V8 sweeps the freed pages lazily and in the
  background, so the code timed next paid for sweeping what the previous library left: \`submitMany\` ran at
  2.25M tasks/s right after p-queue's \`addAll\` of a million closures and at 4.4–5M/s in the runs after it. V8
  finishes that sweeping before it starts the second collection, which frees next to nothing (4.99M/s right after
  p-queue). Runs before this change used one GC.
- **Bare limiter** (\`bench/bare-limiter.mjs\`): not a peer but the reference for a row. The least a
  concurrency limiter can do — a FIFO array with a head index and a count of running calls; no metrics,
  no cancellation, no timeouts, no \`Either\`, no validation — measured the same way. "bare limiter /
  p-queue" is what any limiter could reach against p-queue on that row in this run: where it is near
  ${THROUGHPUT_TARGET}×, the rest of the time is the task itself, its promises and the event loop.
- **Memory.** One fresh \`node --expose-gc\` child per library per round. Concurrency 1 with the worker
  held by a first task that awaits a gate; then GC, \`heapUsed\`, ${count(memory.n)} submits whose promises are kept
  in a preallocated array, GC, \`heapUsed\`: bytes per task = difference / ${count(memory.n)}. The gate then opens and
  the queue drains. The kept promises count for both libraries alike.

${prioritySection(env, priority)}
${submitManySection(env, submitMany)}
${threadSection(env, threads)}
${lifecycleSection(env, lifecycle)}
${balancerSection(env, balancer)}
${manyPoolsSection(env, manyPools)}
${tenantsSection(env, tenants)}
${tracingSection(env, tracing)}
${distributedSection(env, distributed)}`;
}
