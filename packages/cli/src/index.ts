/**
 * @troupe/cli — the `troupe` command: run a system with a live terminal view (and the dashboard),
 * draw state charts, run the benchmark suite. The command is the product; this entry point
 * exposes it for embedding and tests.
 */
export { main } from './main.js';
export { createProgram } from './program.js';
export { EXIT, CliError } from './cli-error.js';
export { MACHINES, FORMATS } from './chart-command.js';
export type { ChartFormat, ChartOptions } from './chart-command.js';
export type { RunOptions } from './run-command.js';
