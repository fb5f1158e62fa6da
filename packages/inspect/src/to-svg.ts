import { spawn } from 'node:child_process';
import type { AnyStateMachine } from 'xstate';
import { toDot } from './to-dot.js';

/** What `toSvg` says when Graphviz is not installed. */
const NO_DOT =
  "Graphviz's `dot` was not found on PATH: install graphviz (Debian: apt-get install -y graphviz) or use toDot()/toMermaid()";

/**
 * Draws a machine as SVG: `toDot(machine)` laid out by Graphviz's `dot -Tsvg`, which must be on
 * PATH (it rejects with an Error saying so otherwise).
 *
 * @example
 * ```ts
 * import { writeFile } from 'node:fs/promises';
 * import { poolMachine } from '@troupe/core';
 * await writeFile('pool.svg', await toSvg(poolMachine));
 * ```
 */
export function toSvg(machine: AnyStateMachine): Promise<string> {
  return runDot(toDot(machine));
}

function runDot(dot: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('dot', ['-Tsvg'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'ENOENT' ? new Error(NO_DOT, { cause: error }) : error);
    });
    child.on('close', (code) => {
      if (code === 0) return resolve(Buffer.concat(out).toString('utf8'));
      const detail = Buffer.concat(err).toString('utf8').trim();
      reject(new Error(`dot -Tsvg exited with code ${code}${detail === '' ? '' : `: ${detail}`}`));
    });
    // A dot that died at once closes its input: the error is in 'close', not here.
    child.stdin.on('error', () => {});
    child.stdin.end(dot);
  });
}
