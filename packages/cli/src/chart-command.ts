import { writeFile } from 'node:fs/promises';
import {
  autoscalerMachine,
  healthMachine,
  poolMachine,
  supervisorMachine,
  systemMachine,
  workerMachine,
} from '@troupe/core';
import { toDot, toMermaid, toSvg } from '@troupe/inspect';
import type { AnyStateMachine } from 'xstate';
import { CliError } from './cli-error.js';
import { loadModule } from './load-module.js';
import { findTarget } from './run-target.js';

/** The machines `troupe chart` draws by name: every machine `@troupe/core` exports. */
export const MACHINES: Readonly<Record<string, AnyStateMachine>> = {
  pool: poolMachine,
  worker: workerMachine,
  supervisor: supervisorMachine,
  autoscaler: autoscalerMachine,
  health: healthMachine,
  system: systemMachine,
};

export const FORMATS = ['mermaid', 'dot', 'svg'] as const;
export type ChartFormat = (typeof FORMATS)[number];

/** `troupe chart`'s options. */
export interface ChartOptions {
  readonly format: string;
  readonly out?: string;
}

/**
 * `troupe chart <machine | module>`: a machine by name, or the machine of a module's target (a
 * system's: the system machine; a pool's: the pool machine), as Mermaid, DOT or SVG (Graphviz's
 * `dot` on PATH), to stdout or `--out`.
 */
export async function chartCommand(what: string, options: ChartOptions): Promise<number> {
  const format = options.format as ChartFormat;
  if (!FORMATS.includes(format))
    throw new CliError(`--format: one of ${FORMATS.join(', ')} (got '${options.format}')`);
  const machine = MACHINES[what] ?? (await machineOfModule(what));
  const text =
    format === 'mermaid'
      ? toMermaid(machine)
      : format === 'dot'
        ? toDot(machine)
        : await toSvg(machine).catch((error: unknown) => {
            throw new CliError(`--format svg: ${(error as Error).message}`);
          });
  if (options.out === undefined) process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  else {
    await writeFile(options.out, text);
    process.stderr.write(`wrote ${options.out}\n`);
  }
  return 0;
}

/** The machine of a module's system (or pool), for `chart <module>`. */
async function machineOfModule(path: string): Promise<AnyStateMachine> {
  if (!/[./\\]/.test(path))
    throw new CliError(
      `'${path}' is neither a machine (${Object.keys(MACHINES).join(', ')}) nor a module path (e.g. ./system.mjs)`,
    );
  const found = findTarget(await loadModule(path));
  const value = found.value as { submit?: unknown };
  return typeof value.submit === 'function' ? poolMachine : systemMachine;
}
