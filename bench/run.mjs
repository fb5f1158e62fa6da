/**
 * The benchmark suite: `pnpm bench` prints the results; `pnpm bench -- --write` also rewrites
 * docs/benchmarks.md. Flags: `--only a,b` (sections to run, of throughput, memory, priority,
 * submit-many, threads, lifecycle, balancer, many-pools, tenants, tracing, distributed; `--write` needs them all), `--rounds N` (throughput rounds, default 5),
 * `--memory-rounds N` (default 3), `--priority-rounds N` (default 3; rows under 50,000 tasks
 * get three times as many), `--submit-many-rounds N`
 * (default 3), `--thread-rounds N` (default 3), `--lifecycle-rounds N` (default 3),
 * `--balancer-rounds N` (default 5), `--many-pools-rounds N` (default 3), `--tenants-rounds N` (default 3),
 * `--tracing-rounds N` (default 5),
 * `--distributed-rounds N` (default 3; the distributed section needs `redis-server` on the PATH),
 * `--baseline REF` (also measure the build of commit REF — e.g. `HEAD~1` — in the throughput and
 * memory and many-pools sections, as the "before" column of a refactor: same machine, same run).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import prettier from 'prettier';
import { measureBalancer } from './balancer.mjs';
import { measureTenants } from './tenants.mjs';
import { measureDistributed } from './distributed.mjs';
import { measureLifecycle } from './lifecycle.mjs';
import { measureManyPools } from './many-pools.mjs';
import { measureMemory } from './memory.mjs';
import { measurePriority } from './priority.mjs';
import { prepareBaseline } from './baseline.mjs';
import { benchmarkDoc, markdownTables, plainLines } from './report.mjs';
import { measureSubmitMany } from './submit-many.mjs';
import { TASKS, measureThroughput } from './throughput.mjs';
import { measureThreads } from './threads.mjs';
import { measureTracing } from './tracing.mjs';

const SECTIONS = [
  'throughput',
  'memory',
  'priority',
  'submit-many',
  'threads',
  'lifecycle',
  'balancer',
  'many-pools',
  'tenants',
  'tracing',
  'distributed',
];
const DEFAULT_ROUNDS = {
  rounds: 5,
  memoryRounds: 3,
  priorityRounds: 3,
  manyRounds: 3,
  threadRounds: 3,
  lifecycleRounds: 3,
  balancerRounds: 5,
  manyPoolsRounds: 3,
  tenantsRounds: 3,
  tracingRounds: 5,
  distributedRounds: 3,
};

function parseArgs(argv) {
  const args = { ...DEFAULT_ROUNDS, only: SECTIONS, write: false, baseline: undefined };
  const positive = (flag, value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1)
      throw new Error(`${flag} wants a whole number >= 1 (got ${value})`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') continue;
    else if (arg === '--write') args.write = true;
    else if (arg === '--rounds') args.rounds = positive(arg, argv[++i]);
    else if (arg === '--memory-rounds') args.memoryRounds = positive(arg, argv[++i]);
    else if (arg === '--priority-rounds') args.priorityRounds = positive(arg, argv[++i]);
    else if (arg === '--submit-many-rounds') args.manyRounds = positive(arg, argv[++i]);
    else if (arg === '--thread-rounds') args.threadRounds = positive(arg, argv[++i]);
    else if (arg === '--lifecycle-rounds') args.lifecycleRounds = positive(arg, argv[++i]);
    else if (arg === '--balancer-rounds') args.balancerRounds = positive(arg, argv[++i]);
    else if (arg === '--many-pools-rounds') args.manyPoolsRounds = positive(arg, argv[++i]);
    else if (arg === '--tenants-rounds') args.tenantsRounds = positive(arg, argv[++i]);
    else if (arg === '--tracing-rounds') args.tracingRounds = positive(arg, argv[++i]);
    else if (arg === '--distributed-rounds') args.distributedRounds = positive(arg, argv[++i]);
    else if (arg === '--only') args.only = sections(argv[++i]);
    else if (arg === '--baseline') {
      args.baseline = argv[++i];
      if (args.baseline === undefined || args.baseline.startsWith('--'))
        throw new Error('--baseline wants a commit (a hash, a branch, HEAD~1, …)');
    } else
      throw new Error(
        `unknown argument '${arg}': use --only a,b, --rounds N, --memory-rounds N, ` +
          '--priority-rounds N, --submit-many-rounds N, --thread-rounds N, --lifecycle-rounds N, ' +
          '--balancer-rounds N, --many-pools-rounds N, --tenants-rounds N, --tracing-rounds N, --distributed-rounds N, ' +
          '--baseline REF, --write',
      );
  }
  if (args.write && args.only.length < SECTIONS.length) {
    throw new Error(
      '--write rewrites the whole of docs/benchmarks.md: it needs every section (drop --only)',
    );
  }
  return args;
}

/** The sections named in `--only`'s comma-separated list. */
function sections(list) {
  const names = String(list ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !SECTIONS.includes(name));
  if (names.length === 0 || unknown.length > 0) {
    throw new Error(`--only wants a comma-separated list of ${SECTIONS.join(', ')} (got ${list})`);
  }
  return SECTIONS.filter((name) => names.includes(name));
}

const root = new URL('../', import.meta.url);
const versionOf = (name) =>
  JSON.parse(readFileSync(new URL(`node_modules/${name}/package.json`, root), 'utf8')).version;
const versions = Object.fromEntries(
  ['p-queue', 'p-limit', '@troupe/core', 'piscina', 'tinypool', 'workerpool'].map((name) => [
    name,
    versionOf(name),
  ]),
);

/** The commit measured, marked dirty when packages/core/src differs from it. */
function revision() {
  const git = (...a) => execFileSync('git', a, { cwd: root, encoding: 'utf8' }).trim();
  try {
    const dirty = git('status', '--porcelain', 'packages/core/src', 'packages/threads/src') !== '';
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' + uncommitted changes in packages/*/src' : ''}`;
  } catch {
    return 'unknown (no git)';
  }
}

/** Formats markdown as `prettier --write` would, so the written doc stays exactly what this script wrote. */
async function formatMarkdown(text) {
  const config = await prettier.resolveConfig(new URL('docs/benchmarks.md', root));
  return prettier.format(text, { ...config, parser: 'markdown' });
}

const args = parseArgs(process.argv.slice(2));
const log = (line) => console.error(`[bench] ${line}`);
const started = performance.now();
const measured = revision();
const load = os
  .loadavg()
  .map((x) => x.toFixed(2))
  .join(' ');

const runs = (section) => args.only.includes(section);
const prepared = args.baseline === undefined ? undefined : prepareBaseline(args.baseline, log);
const baseline =
  prepared === undefined
    ? undefined
    : { ...prepared, createPool: (await import(prepared.coreUrl)).createPool };
process.on('exit', () => prepared?.dispose());
const results = {
  throughput: runs('throughput')
    ? await measureThroughput({ rounds: args.rounds, log, baseline })
    : undefined,
  memory: runs('memory')
    ? await measureMemory({ rounds: args.memoryRounds, log, baseline })
    : undefined,
  priority: runs('priority')
    ? await measurePriority({ rounds: args.priorityRounds, log })
    : undefined,
  submitMany: runs('submit-many')
    ? await measureSubmitMany({ rounds: args.manyRounds, log })
    : undefined,
  threads: runs('threads') ? await measureThreads({ rounds: args.threadRounds, log }) : undefined,
  lifecycle: runs('lifecycle')
    ? await measureLifecycle({ rounds: args.lifecycleRounds, log })
    : undefined,
  balancer: runs('balancer')
    ? await measureBalancer({ rounds: args.balancerRounds, log })
    : undefined,
  manyPools: runs('many-pools')
    ? await measureManyPools({ rounds: args.manyPoolsRounds, log, baseline })
    : undefined,
  tenants: runs('tenants') ? await measureTenants({ rounds: args.tenantsRounds, log }) : undefined,
  tracing: runs('tracing') ? await measureTracing({ rounds: args.tracingRounds, log }) : undefined,
  distributed: runs('distributed')
    ? await measureDistributed({ rounds: args.distributedRounds, log })
    : undefined,
};

const flags = [
  args.rounds !== DEFAULT_ROUNDS.rounds && `--rounds ${args.rounds}`,
  args.memoryRounds !== DEFAULT_ROUNDS.memoryRounds && `--memory-rounds ${args.memoryRounds}`,
  args.priorityRounds !== DEFAULT_ROUNDS.priorityRounds &&
    `--priority-rounds ${args.priorityRounds}`,
  args.manyRounds !== DEFAULT_ROUNDS.manyRounds && `--submit-many-rounds ${args.manyRounds}`,
  args.threadRounds !== DEFAULT_ROUNDS.threadRounds && `--thread-rounds ${args.threadRounds}`,
  args.lifecycleRounds !== DEFAULT_ROUNDS.lifecycleRounds &&
    `--lifecycle-rounds ${args.lifecycleRounds}`,
  args.balancerRounds !== DEFAULT_ROUNDS.balancerRounds &&
    `--balancer-rounds ${args.balancerRounds}`,
  args.manyPoolsRounds !== DEFAULT_ROUNDS.manyPoolsRounds &&
    `--many-pools-rounds ${args.manyPoolsRounds}`,
  args.tenantsRounds !== DEFAULT_ROUNDS.tenantsRounds && `--tenants-rounds ${args.tenantsRounds}`,
  args.tracingRounds !== DEFAULT_ROUNDS.tracingRounds && `--tracing-rounds ${args.tracingRounds}`,
  args.distributedRounds !== DEFAULT_ROUNDS.distributedRounds &&
    `--distributed-rounds ${args.distributedRounds}`,
  args.baseline !== undefined && `--baseline ${args.baseline}`,
].filter(Boolean);
const env = {
  command: ['pnpm bench -- --write', ...flags].join(' '),
  node: process.version,
  cpu: os.cpus()[0]?.model ?? 'unknown CPU',
  cores: os.cpus().length,
  platform: `${os.platform()} ${os.arch()}`,
  date: new Date().toISOString().slice(0, 10),
  load,
  versions,
  revision: measured,
  baseline: baseline?.commit,
  rounds: args.rounds,
  memoryRounds: args.memoryRounds,
  priorityRounds: args.priorityRounds,
  manyRounds: args.manyRounds,
  threadRounds: args.threadRounds,
  lifecycleRounds: args.lifecycleRounds,
  balancerRounds: args.balancerRounds,
  manyPoolsRounds: args.manyPoolsRounds,
  tenantsRounds: args.tenantsRounds,
  tracingRounds: args.tracingRounds,
  distributedRounds: args.distributedRounds,
  tasks: TASKS,
};

const roundsOf = {
  throughput: args.rounds,
  memory: args.memoryRounds,
  priority: args.priorityRounds,
  'submit-many': args.manyRounds,
  threads: args.threadRounds,
  lifecycle: args.lifecycleRounds,
  balancer: args.balancerRounds,
  'many-pools': args.manyPoolsRounds,
  tenants: args.tenantsRounds,
  tracing: args.tracingRounds,
  distributed: args.distributedRounds,
};
console.log(
  `\nNode ${env.node}, ${env.cpu}, ${env.cores} cores; commit ${measured}; medians of ` +
    `${args.only.map((section) => `${roundsOf[section]} rounds (${section})`).join(', ')}\n`,
);
console.log(plainLines(results, { baseline: env.baseline }));
console.log(`\n${await formatMarkdown(markdownTables(results, env))}`);
log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);

if (args.write) {
  const path = new URL('docs/benchmarks.md', root);
  writeFileSync(path, await formatMarkdown(benchmarkDoc(env, results)));
  log(`wrote ${path.pathname}`);
}
