/**
 * The `troupe` command as a user runs it: the built CLI (`packages/cli/dist/bin.js`, made by
 * `pnpm build`, as CI does before the tests) spawned with node, on the modules in `fixtures/`.
 * Its output is piped, so it prints plain lines (no progress bars). Real child processes and
 * real time: what is tested is the process — its output, its exit code, its signals — which
 * the virtual clock cannot stand in for; every run is bounded (a few seconds at most).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(repo, 'packages/cli/dist/bin.js');
const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** A running `troupe`: its output so far, a wait for a line, and its end. */
interface Running {
  readonly child: ChildProcess;
  /** Resolves once stdout has printed `text`. */
  printed(text: string): Promise<void>;
  readonly done: Promise<Ran>;
}

function start(
  args: readonly string[],
  { cwd = fixtures, env = {}, timeoutMs = 20_000 } = {},
): Running {
  const t0 = performance.now();
  const child = spawn(process.execPath, [bin, ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiting: { text: string; resolve: () => void }[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const w of waiting.filter((w) => stdout.includes(w.text))) w.resolve();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<Ran>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr, ms: performance.now() - t0 });
    }),
  );
  return {
    child,
    printed: (text) =>
      stdout.includes(text)
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            waiting.push({ text, resolve });
            void done.then((ran) =>
              reject(
                new Error(
                  `exited (${ran.code}) before printing '${text}':\n${ran.stdout}\n${ran.stderr}`,
                ),
              ),
            );
          }),
    done,
  };
}

const troupe = (args: readonly string[], options?: Parameters<typeof start>[1]) =>
  start(args, options).done;

beforeAll(() => {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run pnpm build first`);
});

describe('troupe --help', () => {
  it.each([[[]], [['run']], [['chart']], [['bench']]])('troupe %j --help', async (command) => {
    const ran = await troupe([...command, '--help']);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain(`Usage: troupe${command.length === 0 ? '' : ` ${command[0]}`}`);
  });

  it('lists the commands, and says what each takes', async () => {
    const { stdout } = await troupe(['--help']);
    for (const command of ['run', 'chart', 'bench'])
      expect(stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    const run = (await troupe(['run', '--help'])).stdout;
    expect(run).toContain('--dashboard [port]');
    expect(run).toContain('130');
    // (Help is wrapped to the width of a terminal: read it as one line.)
    const chart = (await troupe(['chart', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(chart).toContain('"mermaid", "dot", "svg"');
    expect(chart).toContain('pool, worker, supervisor, autoscaler, health, system');
  });
});

describe('troupe chart', () => {
  it('draws a machine by name as Mermaid', async () => {
    const ran = await troupe(['chart', 'pool', '--format', 'mermaid']);
    expect(ran.code).toBe(0);
    expect(ran.stdout.startsWith('stateDiagram-v2\n')).toBe(true);
    for (const state of ['stopped', 'starting', 'running', 'closing', 'failed'])
      expect(ran.stdout).toContain(state);
  });

  it("draws a module's system machine as DOT, into a file", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'troupe-chart-'));
    try {
      const out = join(dir, 'system.dot');
      const ran = await troupe(['chart', './ok-system.mjs', '--format', 'dot', '--out', out]);
      expect(ran.code).toBe(0);
      const dot = await readFile(out, 'utf8');
      expect(dot).toMatch(/^digraph/);
      expect(dot).toContain('system');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses an unknown machine or format, saying what is allowed', async () => {
    const machine = await troupe(['chart', 'pools']);
    expect(machine.code).toBe(1);
    expect(machine.stderr).toContain("'pools' is neither a machine (pool, worker, supervisor");
    const format = await troupe(['chart', 'pool', '--format', 'png']);
    expect(format.code).toBe(1);
    expect(format.stderr).toContain('Allowed choices are mermaid, dot, svg');
  });
});

describe('troupe run', () => {
  it('runs a system and its workload, closes it, and prints a summary whose numbers add up', async () => {
    const ran = await troupe(['run', 'ok-system.mjs']);
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain("system 'shop' running");
    expect(ran.stdout).toContain("system 'shop': done (now stopped)");
    expect(ran.stdout).toContain(
      'orders: 10 submitted: 8 completed, 2 failed, 0 cancelled, 0 unfinished; 0 rejected at the door; 0 restarts',
    );
    expect(ran.stdout).toContain('emails: 3 submitted: 3 completed, 0 failed');
  });

  it('runs a pool the module made', async () => {
    const ran = await troupe(['run', 'one-pool.mjs']);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain('solo: 5 submitted: 5 completed');
  });

  it('exits 1 with the cause when the system fails', async () => {
    const ran = await troupe(['run', 'failing-system.mjs']);
    expect(ran.code).toBe(1);
    expect(ran.stdout).toContain("system 'billing': system 'billing' failed");
    expect(ran.stderr).toContain("troupe: system 'billing' failed");
    expect(ran.stderr).toContain('caused by UnrecoverableError: database unreachable');
  });

  it('closes gracefully at Ctrl-C and exits 130', async () => {
    const running = start(['run', 'endless-system.mjs']);
    await running.printed("system 'endless' running");
    running.child.kill('SIGINT');
    const ran = await running.done;
    expect(ran.code).toBe(130);
    expect(ran.stdout).toContain('Ctrl-C: closing');
    expect(ran.stdout).toContain("system 'endless': interrupted (Ctrl-C)");
    // A drain: nothing was left unfinished or cancelled.
    expect(ran.stdout).toMatch(
      /work: (\d+) submitted: \1 completed, 0 failed, 0 cancelled, 0 unfinished/,
    );
    expect(ran.ms).toBeLessThan(15_000);
  });

  it('aborts what is left at a second Ctrl-C', async () => {
    const running = start(['run', 'endless-system.mjs'], { env: { HANG: '1' } });
    await running.printed("system 'endless' running");
    running.child.kill('SIGINT');
    await running.printed('Ctrl-C: closing');
    running.child.kill('SIGINT');
    const ran = await running.done;
    expect(ran.code).toBe(130);
    expect(ran.stdout).toContain('Ctrl-C again: aborting');
    expect(ran.stdout).toContain('work: 2 submitted: 0 completed, 0 failed, 2 cancelled');
  });

  it.each([
    ['missing.mjs', 'missing.mjs: no such file'],
    ['no-system.mjs', 'no-system.mjs: no system to run'],
    [
      'throws-on-import.mjs',
      'throws-on-import.mjs: importing it threw Error: configuration file missing',
    ],
  ])('names the file and the problem for %s', async (file, message) => {
    const ran = await troupe(['run', file]);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain(`troupe: ${message}`);
  });

  it("points at each path of a bad spec, and the module's line that threw", async () => {
    const spec = await troupe(['run', 'bad-spec.mjs']);
    expect(spec.code).toBe(1);
    expect(spec.stderr).toContain(
      'bad-spec.mjs (export default): invalid system spec (2 problems)',
    );
    expect(spec.stderr).toContain('pools.images.size:');
    expect(spec.stderr).toContain('balancers.front.pools[1]:');
    const thrown = await troupe(['run', 'throws-on-import.mjs']);
    expect(thrown.stderr).toMatch(/at .*throws-on-import\.mjs:2/);
  });

  it('serves the dashboard beside a run (--dashboard 0: a free port) and prints its address and token', async () => {
    const ran = await troupe(['run', 'ok-system.mjs', '--dashboard', '0']);
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    expect(ran.stdout).toMatch(/dashboard: http:\/\/127\.0\.0\.1:\d+\//);
    expect(ran.stdout).toMatch(/dashboard token \(for its controls\): [0-9a-f]{32}/);
    expect(ran.stdout).toContain("system 'shop': done (now stopped)");
  });

  it('refuses a bad dashboard port before it starts anything', async () => {
    const ran = await troupe(['run', 'ok-system.mjs', '--dashboard', 'eighty']);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain('--dashboard: the port must be a whole number');
    expect(ran.stdout).toBe('');
  });
});

describe('troupe bench', () => {
  let outside: string;
  beforeAll(async () => {
    outside = await mkdtemp(join(tmpdir(), 'troupe-bench-'));
  });
  afterAll(() => rm(outside, { recursive: true, force: true }));

  it('says what it needs outside a checkout of the repository', async () => {
    const ran = await troupe(['bench'], { cwd: outside });
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain('is not inside one');
  });

  it("hands its arguments to the repository's bench/run.mjs inside one", async () => {
    // An argument the suite refuses before it measures anything.
    const ran = await troupe(['bench', '--only', 'nothing'], { cwd: fixtures });
    expect(ran.code).not.toBe(0);
    expect(ran.stderr).toContain('--only wants a comma-separated list');
  });
});
