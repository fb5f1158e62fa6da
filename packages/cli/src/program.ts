import { Command, Option } from 'commander';
import { benchCommand } from './bench-command.js';
import { chartCommand, FORMATS, MACHINES } from './chart-command.js';
import { runCommand, type RunOptions } from './run-command.js';

/**
 * The `troupe` command and its subcommands (commander). Each action resolves with its exit code,
 * handed to `onExit`; a `CliError` (or any throw) is the caller's to report (see `main`).
 */
export function createProgram(onExit: (code: number) => void): Command {
  const program = new Command('troupe')
    .description(
      'Run Troupe systems with a live view, draw their state charts, run the benchmarks.',
    )
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();

  program
    .command('run')
    .description(
      'Run a system from a module: its default export (or export `system`) is a system spec, a system or a pool. With an export `run(system)` (the workload), it closes once that resolves; without, at Ctrl-C. Ctrl-C closes gracefully, a second Ctrl-C aborts. Exit code: 0 done, 1 failed, 130 interrupted.',
    )
    .argument('<module>', 'path of the module (.mjs, .js, .cjs)')
    .option(
      '--dashboard [port]',
      'serve the live dashboard (@troupe/inspect) alongside, on port (default: its own)',
    )
    .option('--plain', 'print plain lines instead of progress bars, even on a terminal')
    .action(async (module: string, options: RunOptions) =>
      onExit(await runCommand(module, options)),
    );

  program
    .command('chart')
    .description(
      `Draw a state chart: a machine by name (${Object.keys(MACHINES).join(', ')}), or the machine of a module's system (or pool).`,
    )
    .argument('<machine|module>', 'a machine name, or the path of a module as for `troupe run`')
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(FORMATS).default('mermaid'),
    )
    .option('-o, --out <file>', 'write to file instead of stdout')
    .action(async (what: string, options: { format: string; out?: string }) =>
      onExit(await chartCommand(what, options)),
    );

  program
    .command('bench')
    .description(
      "Run the repository's benchmark suite (bench/run.mjs) from inside a checkout of it, on its current build (pnpm build first); arguments go to the suite (e.g. --only threads --thread-rounds 1).",
    )
    .argument('[args...]', 'arguments for bench/run.mjs')
    .allowUnknownOption()
    .helpOption('-h, --help', 'display help for command')
    .action(async (args: string[]) => onExit(await benchCommand(args)));

  return program;
}
