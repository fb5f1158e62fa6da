/**
 * The benchmark suite: `pnpm bench` prints the results; `pnpm bench -- --write` also rewrites
 * docs/benchmarks.md. Flags: `--rounds N` (throughput rounds, default 5), `--memory-rounds N` (default 3).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import prettier from 'prettier';
import { measureMemory } from './memory.mjs';
import { benchmarkDoc, markdownTables, plainLines } from './report.mjs';
import { TASKS, measureThroughput } from './throughput.mjs';

function parseArgs(argv) {
  const args = { rounds: 5, memoryRounds: 3, write: false };
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
    else throw new Error(`unknown argument '${arg}': use --rounds N, --memory-rounds N, --write`);
  }
  return args;
}

const root = new URL('../', import.meta.url);
const versionOf = (name) =>
  JSON.parse(readFileSync(new URL(`node_modules/${name}/package.json`, root), 'utf8')).version;
const versions = Object.fromEntries(
  ['p-queue', 'p-limit', '@troupe/core'].map((name) => [name, versionOf(name)]),
);

/** The commit measured, marked dirty when packages/core/src differs from it. */
function revision() {
  const git = (...a) => execFileSync('git', a, { cwd: root, encoding: 'utf8' }).trim();
  try {
    const dirty = git('status', '--porcelain', 'packages/core/src') !== '';
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' + uncommitted changes in packages/core/src' : ''}`;
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

const rows = await measureThroughput({ rounds: args.rounds, log });
const memory = await measureMemory({ rounds: args.memoryRounds, log });

const flags = [
  args.rounds !== 5 && `--rounds ${args.rounds}`,
  args.memoryRounds !== 3 && `--memory-rounds ${args.memoryRounds}`,
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
  rounds: args.rounds,
  memoryRounds: args.memoryRounds,
  tasks: TASKS,
};

console.log(
  `\nNode ${env.node}, ${env.cpu}, ${env.cores} cores; medians of ${args.rounds} rounds (memory: ${args.memoryRounds})\n`,
);
console.log(plainLines(rows, memory));
console.log(`\n${await formatMarkdown(markdownTables(rows, memory, env))}`);
log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);

if (args.write) {
  const path = new URL('docs/benchmarks.md', root);
  writeFileSync(path, await formatMarkdown(benchmarkDoc(env, rows, memory)));
  log(`wrote ${path.pathname}`);
}
