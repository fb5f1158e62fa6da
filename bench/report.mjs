/** Turns measurements into a plain-text summary, markdown tables and docs/benchmarks.md. */

/** From the issue: Troupe's throughput at least 3× p-queue's; its bytes per queued task at most 1/3 of p-queue's. */
export const THROUGHPUT_TARGET = 3;
export const MEMORY_TARGET = 1 / 3;

const count = (x) => Math.round(x).toLocaleString('en-US');
const ratio = (x) => `${x.toFixed(2)}×`;
const rounds = (n) => `${n} round${n === 1 ? '' : 's'}`;
const verdict = (ok) => (ok ? 'met' : '**missed**');

const ratios = (row) => ({
  pQueue: row.median.troupe / row.median['p-queue'],
  pLimit: row.median.troupe / row.median['p-limit'],
});
const memoryRatio = (memory) => memory.median.troupe / memory.median['p-queue'];
/** Troupe / p-queue within each round (the libraries ran back to back), as `min–max`. */
const roundSpread = (row) => {
  const perRound = row.samples.troupe.map((t, i) => t / row.samples['p-queue'][i]);
  return `${Math.min(...perRound).toFixed(2)}–${Math.max(...perRound).toFixed(2)}`;
};

/** One line per case, for the terminal. */
export function plainLines(rows, memory) {
  const lines = rows.map((row) => {
    const r = ratios(row);
    const { troupe, 'p-queue': pq, 'p-limit': pl } = row.median;
    return (
      `${row.caseId} c=${row.concurrency}: troupe ${count(troupe)}/s, p-queue ${count(pq)}/s, p-limit ${count(pl)}/s; ` +
      `troupe/p-queue ${ratio(r.pQueue)}, troupe/p-limit ${ratio(r.pLimit)} (target ≥ ${THROUGHPUT_TARGET}×: ${r.pQueue >= THROUGHPUT_TARGET ? 'met' : 'MISSED'})`
    );
  });
  const m = memoryRatio(memory);
  lines.push(
    `memory (${count(memory.n)} queued): troupe ${memory.median.troupe.toFixed(1)} B/task, p-queue ${memory.median['p-queue'].toFixed(1)} B/task; ` +
      `troupe/p-queue ${m.toFixed(3)} (target ≤ 0.333: ${m <= MEMORY_TARGET ? 'met' : 'MISSED'})`,
  );
  return lines.join('\n');
}

/** The throughput and memory tables, in markdown. */
export function markdownTables(rows, memory, { tasks }) {
  const throughput = [
    `| Case (${count(tasks)} tasks) | Concurrency | Troupe (tasks/s) | p-queue (tasks/s) | p-limit (tasks/s) | Troupe / p-queue | per round | Troupe / p-limit | Target ≥ ${THROUGHPUT_TARGET}× p-queue |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: |',
    ...rows.map((row) => {
      const r = ratios(row);
      const cells = [
        row.label,
        row.concurrency,
        count(row.median.troupe),
        count(row.median['p-queue']),
        count(row.median['p-limit']),
      ];
      return `| ${[...cells, ratio(r.pQueue), roundSpread(row), ratio(r.pLimit), verdict(r.pQueue >= THROUGHPUT_TARGET)].join(' | ')} |`;
    }),
  ];
  const m = memoryRatio(memory);
  const memoryTable = [
    `| Queued tasks | Troupe (bytes/task) | p-queue (bytes/task) | Troupe / p-queue | Target ≤ 1/3 of p-queue |`,
    '| ---: | ---: | ---: | ---: | :---: |',
    `| ${count(memory.n)} | ${memory.median.troupe.toFixed(1)} | ${memory.median['p-queue'].toFixed(1)} | ${m.toFixed(3)} | ${verdict(m <= MEMORY_TARGET)} |`,
  ];
  return `${throughput.join('\n')}\n\n${memoryTable.join('\n')}`;
}

/** The whole of docs/benchmarks.md. */
export function benchmarkDoc(env, rows, memory) {
  const missed = rows.filter((row) => ratios(row).pQueue < THROUGHPUT_TARGET);
  const belowPeer = rows.filter((row) => ratios(row).pQueue < 1);
  return `# Benchmarks

Written by \`bench/run.mjs\`; do not edit by hand. To reproduce:

\`\`\`sh
${env.command}
\`\`\`

- Node ${env.node}, ${env.cpu}, ${env.cores} cores (\`os.cpus()\`), ${env.platform}
- Run on ${env.date}; load average ${env.load} when it started (other processes share the cores)
- p-queue ${env.versions['p-queue']}, p-limit ${env.versions['p-limit']}, @troupe/core ${env.versions['@troupe/core']} at commit ${env.revision}

## Targets

From the issue: Troupe's throughput at least **${THROUGHPUT_TARGET}×** p-queue's at equal concurrency (metrics on,
as always), and at most **1/3** of p-queue's bytes per queued task. (DESIGN.md §8's budget is the floor
below that: at least p-queue's throughput, no more than its memory.)

- Throughput target met in ${rows.length - missed.length} of ${rows.length} rows${missed.length === 0 ? '' : `; missed in: ${missed.map((r) => `${r.caseId} at concurrency ${r.concurrency}`).join(', ')}`}.
- DESIGN.md §8 throughput budget (≥ 1×) met in ${rows.length - belowPeer.length} of ${rows.length} rows.
- Memory target ${memoryRatio(memory) <= MEMORY_TARGET ? 'met' : '**missed**'} (Troupe / p-queue = ${memoryRatio(memory).toFixed(3)}).

## Results

Medians of ${rounds(env.rounds)} (throughput) and ${rounds(env.memoryRounds)} (memory). Ratios are of the medians;
"per round" is the range of Troupe / p-queue over the rounds.

${markdownTables(rows, memory, env)}

## Method

- **Throughput.** Each measurement creates a fresh pool (\`size\` = concurrency,
  \`queue.capacity: Infinity\`, timed only once it is \`running\`), a fresh \`new PQueue({ concurrency })\`
  or a fresh \`pLimit(concurrency)\`, runs a full GC (every library starts from the same collected heap),
  then times submitting all ${count(env.tasks)} tasks (\`pool.submit(i)\`, \`queue.add(() => task(i))\`,
  \`limit(() => task(i))\`) into a preallocated array and awaiting them all with \`Promise.all\`. Tasks
  are \`async (x) => x\` (trivial) and \`(x) => new Promise((r) => setImmediate(() => r(x)))\` (one
  setImmediate). One untimed warm-up round runs first; in every round each case runs the three libraries
  back to back, in an order that rotates from round to round. Troupe's results are checked against its
  metrics afterwards.
- **Memory.** One fresh \`node --expose-gc\` child per library per round. Concurrency 1 with the worker
  held by a first task that awaits a gate; then GC, \`heapUsed\`, ${count(memory.n)} submits whose promises are kept
  in a preallocated array, GC, \`heapUsed\`: bytes per task = difference / ${count(memory.n)}. The gate then opens and
  the queue drains. The kept promises count for both libraries alike.
`;
}
