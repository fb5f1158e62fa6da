/**
 * The packages work in an app outside this repository, installed the way a user installs them:
 * every package is packed with `pnpm pack` (its `prepack` builds a clean `dist/`), the tarballs
 * are installed with npm into a fresh app in the system's temporary directory, and there the
 * README's example typechecks under `strict` and `exactOptionalPropertyTypes` and runs, a thread
 * pool runs (the thread runtime is shipped), and `require()` loads every package (the charts
 * package drawing a machine of core's, the test kit reading one's transitions).
 *
 * Real child processes and real time, not the injected clock: what is tested is pnpm, npm, tsc
 * and node doing what a user's machine does, so nothing here can be simulated. It needs the npm
 * registry (for the peers, TypeScript and @types/node; npm's cache is used first) and fails with
 * npm's own message when the registry is unreachable. About 40-50 s on a busy two-core machine (minutes when
 * the core is shared with other heavy work): packing (a clean build of each package), npm install
 * (@troupe/bullmq brings bullmq and ioredis from the registry) and tsc.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../..', import.meta.url));
/** Every package of the workspace: a new one is packed, installed and checked here too. */
const packages = (await readdir(join(repo, 'packages'))).sort();

interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end (or kills it after `timeoutMs`) and returns what it printed. */
function run(
  command: string,
  args: readonly string[],
  cwd: string,
  timeoutMs: number,
): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, CI: '1' } },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        const killed = error?.killed === true ? `\n[killed after ${timeoutMs} ms]` : '';
        resolve({ code, stdout, stderr: stderr + killed });
      },
    );
  });
}

/** Like `run`, but a failure is an error that shows the command and its output. */
async function succeed(
  command: string,
  args: readonly string[],
  cwd: string,
  timeoutMs: number,
): Promise<Ran> {
  const ran = await run(command, args, cwd, timeoutMs);
  if (ran.code !== 0)
    throw new Error(
      `${command} ${args.join(' ')} (in ${cwd}) exited with ${String(ran.code)}:\n` +
        `${ran.stdout.slice(-4000)}\n${ran.stderr.slice(-4000)}`,
    );
  return ran;
}

/** The first ```ts block under the README's `## Example` heading. */
function readmeExample(readme: string): string {
  const heading = /^##\s+Example\s*$/m.exec(readme);
  if (heading === null) throw new Error('README.md has no "## Example" heading');
  const after = readme.slice(heading.index + heading[0].length);
  const section = after.slice(
    0,
    after.search(/^##\s/m) === -1 ? undefined : after.search(/^##\s/m),
  );
  const block = /^```(?:ts|typescript)\s*\n([\s\S]*?)^```/m.exec(section);
  if (block === null) throw new Error('no ```ts block under "## Example" in README.md');
  return block[1]!;
}

/**
 * Helpers the README's example may call without defining them (it shows the pool, not the
 * user's service), each stubbed so the example typechecks and runs; a helper the example
 * defines or imports itself is left alone.
 */
const stubs: Record<string, string> = {
  openImageService: `const openImageService = async () => ({
  thumbnail: async (path: string, _options: { signal: AbortSignal }) => \`thumbnail of \${path}\`,
  close: async () => {},
});`,
};

/** The example, preceded by the stubs of the helpers it uses but does not define. */
function withStubs(example: string): string {
  const used = Object.entries(stubs).filter(
    ([name]) =>
      new RegExp(`\\b${name}\\b`).test(example) &&
      !new RegExp(`(function|const|let|var|class|import)[^\\n;]*\\b${name}\\b`).test(example),
  );
  return [...used.map(([, code]) => code), example].join('\n');
}

const threadsApp = `import { createPool } from '@troupe/core';
import { fromWorkerThread } from '@troupe/threads';

const pool = createPool({
  size: 2,
  worker: fromWorkerThread<number, number>(new URL('./square.worker.mjs', import.meta.url)),
}).start();
const squares = await Promise.all([3, 4, 5].map((n) => pool.run(n)));
console.log(\`squares: \${squares.join(' ')}\`);
await pool.close();
`;

const tsconfig = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    types: ['node'],
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    // Our declarations are checked too; see the typecheck test for the one library that needs it.
    skipLibCheck: false,
    outDir: 'out',
  },
  files: ['example.ts', 'threads.ts'],
};

// Runs the compiled example; the process must then end by itself (a closed pool leaves no
// timer or handle behind), which the run's exit code and time bound check.
const runner = `await import(new URL(process.argv[2], import.meta.url).href);
console.log('[finished]');
`;

describe('a fresh app outside the repository', () => {
  let tmp = '';
  let app = '';
  let installed: Ran | undefined;
  let compiled: Ran | undefined;

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'troupe-fresh-app-'));
    // Inside the repository, node would find the workspace's node_modules and prove nothing.
    expect(relative(repo, tmp).startsWith('..')).toBe(true);
    const tarballs = join(tmp, 'tarballs');
    app = join(tmp, 'app');
    await mkdir(app, { recursive: true });
    await succeed(
      'pnpm',
      [
        '--filter',
        './packages/*',
        '--workspace-concurrency=1',
        'pack',
        '--pack-destination',
        tarballs,
      ],
      repo,
      240_000, // seven packages, each built clean (slow when other work shares the cores)
    );
    const packed = (await readdir(tarballs)).filter((f) => f.endsWith('.tgz'));
    expect(packed.map((f) => f.replace(/-[\d.]+\.tgz$/, '')).sort()).toEqual(
      packages.map((p) => `troupe-${p}`),
    );

    const example = withStubs(readmeExample(await readFile(join(repo, 'README.md'), 'utf8')));
    await writeFile(
      join(app, 'package.json'),
      JSON.stringify({ name: 'fresh-app', private: true, type: 'module' }, null, 2),
    );
    await writeFile(join(app, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
    await writeFile(join(app, 'example.ts'), example);
    await writeFile(join(app, 'threads.ts'), threadsApp);
    // Next to the compiled threads.js, where its `new URL(..., import.meta.url)` points.
    await mkdir(join(app, 'out'));
    await writeFile(join(app, 'out', 'square.worker.mjs'), 'export default (n) => n * n;\n');
    await writeFile(join(app, 'run.mjs'), runner);
    await writeFile(
      join(app, 'require.cjs'),
      "const { createPool, workerMachine } = require('@troupe/core');\n" +
        "const { fromWorkerThread } = require('@troupe/threads');\n" +
        "const { toMermaid, serveDashboard } = require('@troupe/inspect');\n" +
        "const { createPrometheusExporter } = require('@troupe/prometheus');\n" +
        "const { fromBullmq } = require('@troupe/bullmq');\n" +
        "const { createTestClock, machineEdges } = require('@troupe/testkit');\n" +
        'console.log(`testkit: ${typeof createTestClock().runUntilIdle} ${machineEdges(workerMachine).length > 0}`);\n' +
        'console.log(`required: ${typeof createPool} ${typeof fromWorkerThread} ${typeof serveDashboard} ${typeof fromBullmq}`);\n' +
        'const exporter = createPrometheusExporter();\n' +
        "exporter.watch(createPool({ name: 'fresh', size: 1, worker: async (n) => n }));\n" +
        'exporter.registry.metrics().then((text) => {\n' +
        "  console.log(text.split('\\n').find((l) => l.startsWith('troupe_pool_size')));\n" +
        '  exporter.close();\n' +
        '});\n' +
        'console.log(toMermaid(workerMachine).split("\\n")[0]);\n',
    );

    // The peers (xstate, rxjs, fp-ts) come in as npm installs peers; the tarballs bring nothing else.
    installed = await succeed(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        '--fetch-timeout=30000',
        '--fetch-retries=1',
        ...packed.map((f) => join(tarballs, f)),
        'typescript@5.9',
        '@types/node@20',
      ],
      app,
      120_000,
    );
    // Typechecks and compiles (tsc emits even when a library's declarations complain).
    compiled = await run('node', ['node_modules/typescript/bin/tsc', '-p', '.'], app, 60_000);
  }, 480_000); // above the sum of the steps' own limits, so a stuck step reports itself

  afterAll(async () => {
    if (tmp !== '') await rm(tmp, { recursive: true, force: true });
  });

  it('installs each package with its dist, real version ranges and one copy of each peer', async () => {
    expect(installed?.code).toBe(0);
    for (const name of packages) {
      const dir = join(app, 'node_modules', '@troupe', name);
      const manifest = await readFile(join(dir, 'package.json'), 'utf8');
      expect(manifest).not.toContain('workspace:');
      await expect(readFile(join(dir, 'dist', 'index.d.ts'), 'utf8')).resolves.toBeTruthy();
    }
    await expect(
      readFile(join(app, 'node_modules/@troupe/threads/dist/thread-runtime.mjs'), 'utf8'),
    ).resolves.toBeTruthy();
    const ls = await run('npm', ['ls', '--all', '--parseable'], app, 30_000);
    for (const peer of ['xstate', 'rxjs', 'fp-ts', 'prom-client', 'fast-check', '@troupe/core']) {
      const copies = ls.stdout.split('\n').filter((l) => l.endsWith(`node_modules/${peer}`));
      expect(copies, `${peer} installed once`).toHaveLength(1);
    }
  });

  it('typechecks the README example under strict and exactOptionalPropertyTypes', () => {
    const errors = (compiled?.stdout ?? '').split('\n').filter((l) => /\): error TS\d+/.test(l));
    // xstate's own declarations fail to check under exactOptionalPropertyTypes (its setup.d.ts),
    // so an app with that flag needs skipLibCheck for xstate; ours and the app's must be clean.
    const ours = errors.filter((l) => !l.startsWith('node_modules/xstate/'));
    expect(ours, compiled?.stdout).toEqual([]);
  });

  it('runs the README example and a thread pool with node', async () => {
    const example = await run('node', ['run.mjs', './out/example.js'], app, 30_000);
    expect(example.stderr).toBe('');
    expect(example.stdout).toContain('[finished]');
    expect(example.code).toBe(0);

    const threads = await run('node', ['out/threads.js'], app, 30_000);
    expect(threads.stderr).toBe('');
    expect(threads.stdout).toContain('squares: 9 16 25');
    expect(threads.code).toBe(0);
  }, 60_000);

  it('installs the troupe command: its --help runs', async () => {
    const help = await run('node', ['node_modules/@troupe/cli/dist/bin.js', '--help'], app, 30_000);
    expect(help.stderr).toBe('');
    expect(help.stdout).toContain('Usage: troupe');
    expect(help.code).toBe(0);
  }, 60_000);

  it('installs the tarballs with pnpm too: threads finds core as its peer, not on the registry', async () => {
    const pnpmApp = join(tmp, 'pnpm-app');
    await mkdir(pnpmApp);
    await writeFile(
      join(pnpmApp, 'package.json'),
      JSON.stringify({ name: 'fresh-pnpm-app', private: true, type: 'module' }, null, 2),
    );
    const tarballs = join(tmp, 'tarballs');
    const packed = (await readdir(tarballs)).filter((f) => f.endsWith('.tgz'));
    await succeed('pnpm', ['add', ...packed.map((f) => join(tarballs, f))], pnpmApp, 120_000);
    const imported = await run(
      'node',
      [
        '--input-type=module',
        '-e',
        "const { fromWorkerThread } = await import('@troupe/threads'); console.log(typeof fromWorkerThread);",
      ],
      pnpmApp,
      30_000,
    );
    expect(imported.stdout, imported.stderr).toContain('function');
  }, 150_000);

  it('loads every package with require() (Node ≥ 20.19 or ≥ 22.12)', async () => {
    const required = await run('node', ['require.cjs'], app, 30_000);
    expect(required.stdout, required.stderr).toContain('required: function function function');
    expect(required.stdout).toContain('stateDiagram-v2');
    expect(required.stdout).toContain('testkit: function true');
    expect(required.stdout).toContain('troupe_pool_size{pool="fresh"} 1');
    expect(required.code).toBe(0);
  });
});
