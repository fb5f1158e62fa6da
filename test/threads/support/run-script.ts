/** Runs a script in a child `node` against the sources: for promises about the process itself. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const register = fileURLToPath(new URL('./register-sources.mjs', import.meta.url));

/** How a child script ended. */
export interface ScriptRun {
  /** Its exit code; `null` when it had to be killed (it did not end by itself in time). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** It was still running after `withinMs` and was killed. */
  readonly killed: boolean;
}

/**
 * Runs `script` (a URL of an `.mjs` file) with `args` (and `env` over this process's) in a
 * child `node` whose `@troupe/*` imports resolve to the sources; its stdout is a pipe, not a
 * terminal. It must end by itself within `withinMs`; past that it is
 * killed and the run says so (so that no test leaves a process behind).
 */
export function runScript(
  script: URL,
  args: readonly string[],
  withinMs: number,
  env: Readonly<Record<string, string>> = {},
): Promise<ScriptRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', register, fileURLToPath(script), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, withinMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: killed ? null : code, stdout, stderr, killed });
    });
  });
}
