/** The balancer section of the report: a balancer over 2 pools of 4 against one pool of 8. */

/** From the issue: a balancer over two pools of size 4 reaches ≥ 0.9× the throughput of one pool of size 8. */
export const BALANCER_TARGET = 0.9;

const count = (x) => Math.round(x).toLocaleString('en-US');
const spread = (xs) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;

export function balancerLines(b) {
  const ok = b.ratio >= BALANCER_TARGET;
  return [
    `balancer (${count(b.n)} trivial tasks): 2 pools of 4 behind a balancer ${count(b.median.balancer)}/s, ` +
      `one pool of 8 ${count(b.median.pool)}/s; balancer / pool ${b.ratio.toFixed(2)}× ` +
      `(2 × 4 behind one .then / pool ${(b.median.then / b.median.pool).toFixed(2)}×) ` +
      `(per round ${spread(b.perRound)}; target ≥ ${BALANCER_TARGET}×: ${ok ? 'met' : 'MISSED'})`,
  ];
}

export function balancerTable(b) {
  return [
    `| Trivial async tasks | Balancer over 2 pools of 4 (tasks/s) | One pool of 8 (tasks/s) | Balancer / pool | per round | Target ≥ ${BALANCER_TARGET}× | 2 × 4 behind one \`.then\` / pool |`,
    '| ---: | ---: | ---: | ---: | ---: | :---: | ---: |',
    `| ${count(b.n)} | ${count(b.median.balancer)} | ${count(b.median.pool)} | ${b.ratio.toFixed(2)}× | ${spread(b.perRound)} | ${b.ratio >= BALANCER_TARGET ? 'met' : '**missed**'} | ${(b.median.then / b.median.pool).toFixed(2)}× |`,
  ].join('\n');
}

export function balancerSection(env, b) {
  return `## Balancer

Measured at commit ${env.revision}. Target from the issue: a balancer over two pools of size 4 reaches at
least **${BALANCER_TARGET}×** the throughput of one pool of size 8. Medians of ${env.balancerRounds} rounds.

${balancerTable(b)}

- Each measurement creates fresh pools (\`worker: async (x) => x\`, \`queue.capacity: Infinity\`, timed only once
  they are \`running\`) and, for the balancer, \`createBalancer({ pools, capacity: Infinity })\` with the default
  strategy (\`least-loaded\`); collects garbage; then times submitting all ${count(b.n)} tasks into a
  preallocated array and awaiting them with \`Promise.all\`. One untimed warm-up round on a tenth of the tasks
  runs first; the variants run back to back in an order that rotates from round to round.
- The last column is the floor of any layer in front of pools that hands back its own promise: the same two
  pools fed alternately, each submit's promise mapped by one \`.then\` and nothing else. With every task
  pending at once, each per-task object a layer keeps alive is garbage the collector copies; the balancer keeps
  a promise, its reaction, a closure and a small task record per task.
`;
}
