/** The many-pools section of the report: 10,000 pools of 2 ready, held and closed. */

/** From the issue: 10,000 pools of 2 ready (first result of each) in < 3 s, holding < 200 MB. */
export const MANY_POOLS_READY_MS = 3_000;
export const MANY_POOLS_HELD_BYTES = 200e6;
const BEFORE = 'troupe before';

const count = (x) => Math.round(x).toLocaleString('en-US');
const mb = (bytes) => (bytes / 1e6).toFixed(1);
const kib = (bytes) => (bytes / 1024).toFixed(1);
const verdict = (ok) => (ok ? 'met' : '**missed**');
const plainVerdict = (ok) => (ok ? 'met' : 'MISSED');

const readyOk = (m) => m.readyMs < MANY_POOLS_READY_MS;
const heldOk = (m) => m.heldBytes < MANY_POOLS_HELD_BYTES;

/** The libraries measured, this build first. */
const librariesOf = (many) => Object.keys(many.median);
const FLOOR = 'xstate floor';
const buildName = (lib, baseline) =>
  lib === BEFORE
    ? (baseline ?? 'before')
    : lib === FLOOR
      ? 'XState floor (the actors alone)'
      : 'this build';
/** The targets are this build's; the floor's row shows what the actors alone cost. */
const verdictsOf = (lib, m) =>
  lib === FLOOR ? ['', ''] : [verdict(readyOk(m)), verdict(heldOk(m))];

export function manyPoolsLines(many, { baseline } = {}) {
  const lines = librariesOf(many).map((lib) => {
    const m = many.median[lib];
    return (
      `many pools (${count(many.n)} pools of 2, ${buildName(lib, baseline)}): all ready ${count(m.readyMs)} ms ` +
      `(${count(m.readyCpuMs)} ms CPU; created and started in ${count(m.createdMs)} ms; ${((m.readyMs / many.n) * 1000).toFixed(0)} µs a pool), ` +
      `held ${mb(m.heldBytes)} MB (${kib(m.heldBytes / many.n)} KiB a pool, of which heap ${kib(m.heapBytes / many.n)}; rss +${mb(m.rssBytes)} MB), ` +
      `close ${count(m.closedMs)} ms (${count(m.closedCpuMs)} ms CPU)` +
      (lib === FLOOR
        ? ''
        : ` (targets ready < ${count(MANY_POOLS_READY_MS)} ms: ${plainVerdict(readyOk(m))}, held < ${mb(MANY_POOLS_HELD_BYTES)} MB: ${plainVerdict(heldOk(m))})`)
    );
  });
  const floor = many.median[FLOOR];
  if (floor !== undefined) {
    const m = many.median.troupe;
    lines.push(
      `many pools over the XState floor: ready ${(m.readyMs / floor.readyMs).toFixed(2)}× the time ` +
        `(CPU ${(m.readyCpuMs / floor.readyCpuMs).toFixed(2)}×), held ${(m.heldBytes / floor.heldBytes).toFixed(2)}× the memory`,
    );
  }
  const before = many.median[BEFORE];
  if (before !== undefined) {
    const after = many.median.troupe;
    lines.push(
      `many pools before/after: ready ${(after.readyMs / before.readyMs).toFixed(2)}× the time ` +
        `(CPU ${(after.readyCpuMs / before.readyCpuMs).toFixed(2)}×), held ${(after.heldBytes / before.heldBytes).toFixed(2)}× the memory, ` +
        `close ${(after.closedMs / before.closedMs).toFixed(2)}× the time`,
    );
  }
  return lines;
}

export function manyPoolsTable(many, { baseline } = {}) {
  return [
    `| Build | Pools of 2 | created + started (ms) | all ready (ms) | of which CPU (ms) | per pool (µs) | held (MB) | per pool (KiB) | of which heap (KiB) | rss growth (MB) | close all (ms) | of which CPU (ms) | Ready < ${count(MANY_POOLS_READY_MS)} ms | Held < ${mb(MANY_POOLS_HELD_BYTES)} MB |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: | :---: |',
    ...librariesOf(many).map((lib) => {
      const m = many.median[lib];
      const cells = [
        buildName(lib, baseline),
        count(many.n),
        count(m.createdMs),
        count(m.readyMs),
        count(m.readyCpuMs),
        ((m.readyMs / many.n) * 1000).toFixed(0),
        mb(m.heldBytes),
        kib(m.heldBytes / many.n),
        kib(m.heapBytes / many.n),
        mb(m.rssBytes),
        count(m.closedMs),
        count(m.closedCpuMs),
        ...verdictsOf(lib, m),
      ];
      return `| ${cells.join(' | ')} |`;
    }),
  ].join('\n');
}

/** Whether this build met both targets. */
export const manyPoolsOk = (many) => readyOk(many.median.troupe) && heldOk(many.median.troupe);

export function manyPoolsSection(env, many) {
  return `## Many pools

Measured at commit ${env.revision}. Target from the issue (per-tenant systems): ${count(many.n)} pools of
size 2 ready in under ${MANY_POOLS_READY_MS / 1000} s and holding under ${mb(MANY_POOLS_HELD_BYTES)} MB. Medians of
${env.manyPoolsRounds} rounds.

${manyPoolsTable(many, { baseline: env.baseline })}

- Each sample is a fresh \`node --expose-gc\` child (\`bench/many-pools-child.mjs\`). It warms up on 50 pools
  (created, run once, closed), collects garbage, then times creating ${count(many.n)} pools
  (\`createPool({ worker: async (x) => x, size: 2 }).start()\`; "created + started" is that synchronous loop) and one
  \`run(i)\` through each, all submitted at once, until every pool has given its result ("all ready": wall time, and
  the CPU time of the process, which other processes on the machine do not inflate).
- Then it collects garbage and reads \`process.memoryUsage()\` again: "held" is the growth of \`heapUsed + external\`
  (memory outside the heap that JavaScript objects own, such as array buffers) with every pool open and idle; "rss
  growth" is the process's resident memory, which also keeps what the collector has freed but not returned. Last, it
  times \`close()\` of them all at once until every one has resolved.
- The XState floor (\`bench/xstate-floor.mjs\`) is a pool's actors alone: \`poolMachine\` over a stub engine that
  runs nothing, started the same way, "ready" when the pool actor is \`running\` (its workers' actors set up and
  reported), "close" an \`actor.stop()\`. No pool with an actor per pool and per worker starts for less; the
  difference to this build is the engine, the handle and one task each.
`;
}
