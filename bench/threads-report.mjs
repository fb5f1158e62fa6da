/** The worker-threads section of the benchmark report: plain lines, a table and its doc section. */
import {
  CPU_MS,
  CPU_TASKS,
  ECHO_TASKS,
  LATENCY_TASKS,
  PISCINA_TUNED,
  TRANSFER_BYTES,
  TRANSFER_TASKS,
  TROUPE_CONCURRENCY,
  TROUPE_CPU_CONCURRENCY,
  WARM_TASKS,
  RESIDENT_TASKS,
} from './threads.mjs';

/** From the issue: echo ≥ 10× piscina (default options), 64 KiB transfers ≥ 2× piscina, ≥ 97% of both threads busy on ~1 ms tasks, low-load latency no worse than piscina's. */
export const ECHO_TARGET = 10;
export const TRANSFER_TARGET = 2;
export const BUSY_TARGET = 0.97;

const FAST = `troupe c=${TROUPE_CONCURRENCY}`;
const count = (x) => Math.round(x).toLocaleString('en-US');
const ratio = (x) => `${x.toFixed(2)}×`;
const percent = (x) => `${(100 * x).toFixed(1)} %`;
const micros = (x) => `${x.toFixed(0)} µs`;
const verdict = (ok) => (ok ? 'met' : '**missed**');
const plain = (ok) => (ok ? 'met' : 'MISSED');

/** Each target: what it compares, the figure, and whether it is met. */
export function threadVerdicts(threads) {
  const m = threads.medians;
  const echo = m.echo[FAST] / m.echo.piscina;
  const transfer = m.transfer[FAST] / m.transfer.piscina;
  const CPU = `troupe c=${TROUPE_CPU_CONCURRENCY}`;
  const busy = m.cpu[CPU];
  const latency =
    Math.max(
      ...Object.keys(m.latency)
        .filter((lib) => lib.startsWith('troupe'))
        .map((lib) => m.latency[lib]),
    ) / m.latency.piscina;
  return [
    {
      what: `echo, ${FAST} / piscina ≥ ${ECHO_TARGET}×`,
      figure: ratio(echo),
      ok: echo >= ECHO_TARGET,
    },
    {
      what: `64 KiB transfer, ${FAST} / piscina ≥ ${TRANSFER_TARGET}×`,
      figure: ratio(transfer),
      ok: transfer >= TRANSFER_TARGET,
    },
    {
      what: `~${CPU_MS} ms CPU tasks, threads busy ≥ ${percent(BUSY_TARGET)}`,
      figure: percent(busy),
      ok: busy >= BUSY_TARGET,
    },
    {
      what: 'low-load round trip, troupe (every concurrency) / piscina ≤ 1×',
      figure: ratio(latency),
      ok: latency <= 1,
    },
  ];
}

export function threadLines(threads) {
  const m = threads.medians;
  const libs = Object.keys(m.echo);
  const row = (id, format) =>
    `threads ${id}: ${libs.map((lib) => `${lib} ${format(m[id][lib])}`).join(', ')}`;
  return [
    row('echo', (x) => `${count(x)}/s`),
    row('transfer', (x) => `${count(x)}/s`),
    row('cpu', percent),
    row('latency', micros),
    ...threadVerdicts(threads).map((v) => `threads target ${v.what}: ${v.figure} (${plain(v.ok)})`),
  ];
}

export function threadTable(threads) {
  const m = threads.medians;
  const libs = Object.keys(m.echo);
  return [
    `| Library (${threads.threads} threads) | echo (tasks/s) | echo / piscina | 64 KiB transfer (tasks/s) | transfer / piscina | ~${CPU_MS} ms CPU tasks: threads busy | low-load round trip (median) |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...libs.map((lib) => {
      const cells = [
        lib,
        count(m.echo[lib]),
        ratio(m.echo[lib] / m.echo.piscina),
        count(m.transfer[lib]),
        ratio(m.transfer[lib] / m.transfer.piscina),
        percent(m.cpu[lib]),
        micros(m.latency[lib]),
      ];
      return `| ${cells.join(' | ')} |`;
    }),
  ].join('\n');
}

export function threadSection(env, threads) {
  const verdicts = threadVerdicts(threads);
  return `## Worker threads

Measured at commit ${env.revision}; piscina ${env.versions.piscina}, tinypool ${env.versions.tinypool},
workerpool ${env.versions.workerpool}. Targets from the issue, with ${threads.threads} threads:

${verdicts.map((v) => `- ${v.what}: ${v.figure} — ${verdict(v.ok)}`).join('\n')}

Medians of ${env.threadRounds} round${env.threadRounds === 1 ? '' : 's'}.

${threadTable(threads)}

- Every library runs the same tasks from its own module in \`bench/threads/\` (echo \`(x) => x\`; a 64 KiB
  \`ArrayBuffer\` moved to the thread and moved back; a busy loop of ${CPU_MS} ms), on a fresh pool of ${threads.threads}
  threads per measurement. Before timing: two full GCs (see [Method](#method)), then a warm-up that starts the
  threads and compiles the code on both sides (${count(WARM_TASKS)} tasks exactly like the timed ones). In that order: a forced
  GC also throws away optimized code that depends on object shapes no live object has any more (V8's "weak objects"
  deoptimization), which after a warm-up is every library's per-task objects; with the GC after the warm-up, the
  timed run paid for compiling the main thread's code again (runs before 2026-11-27 did it that way, with 200
  warm-up tasks of a shorter input: 0.02 ms CPU tasks). And one more pool of every library stays open and idle
  through the whole section, each kind of task run on it ${count(RESIDENT_TASKS)} times first, as in an application
  that uses the library: otherwise the GC also collected the shapes of the closed pools' objects, each new pool made
  them again, and code optimized in the warm-up deoptimized in the timed run (63 such deoptimizations in the 1 ms
  bursts of 4 libraries over 4 rounds, against 2; Troupe c=32 96.4–96.7 % busy against 97.6–97.9 %).
- **echo** and **transfer**: ${count(ECHO_TASKS)} (echo) or ${count(TRANSFER_TASKS)} (transfer, a fresh
  ${TRANSFER_BYTES / 1024} KiB buffer per task) tasks submitted at once, timed until all are answered.
  **CPU**: ${count(CPU_TASKS)} tasks of ${CPU_MS} ms submitted at once; busy = ${count(CPU_TASKS)} × ${CPU_MS} ms /
  (${threads.threads} × wall time). **Round trip**: ${count(LATENCY_TASKS)} echo tasks one after another on each
  library, the median time from submit to answer; all the libraries' pools are up together and take one task each
  in turn, so that they share the machine's moments (a thread's wake-up time on this VM varies from second to
  second).
- Troupe: \`createPool({ worker: fromWorkerThread(url, { export, concurrency }), size: ${threads.threads} })\` with
  \`concurrency\` 1, ${TROUPE_CPU_CONCURRENCY} and ${TROUPE_CONCURRENCY} tasks in flight per thread; transfers use \`transfer(buffer, [buffer])\`
  and \`ctx.transfer\` in the thread. piscina 5 with its defaults and with \`concurrentTasksPerWorker: ${PISCINA_TUNED}\`
  (\`Piscina.move\` for transfers); tinypool (\`isolateWorkers: false\`, \`transferList\`); workerpool
  (\`workerType: 'thread'\`, \`Transfer\`). Each library's \`min\` and \`max\` threads are both ${threads.threads}.
`;
}
