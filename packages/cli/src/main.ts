import { CommanderError } from 'commander';
import { CliError, describeError, EXIT } from './cli-error.js';
import { createProgram } from './program.js';

/**
 * Runs `troupe` with `argv` (as `process.argv`): resolves with the exit code. Errors the CLI
 * explains (a module that cannot be used, a bad spec, a bad flag) are one message on stderr;
 * anything else is printed with its stack.
 */
export async function main(argv: readonly string[]): Promise<number> {
  let code: number = EXIT.ok;
  const program = createProgram((exitCode) => (code = exitCode));
  try {
    await program.parseAsync([...argv]);
    return code;
  } catch (error) {
    // --help, --version and usage errors: commander has printed what to say.
    if (error instanceof CommanderError) return error.exitCode;
    const message = error instanceof CliError ? error.message : describeError(error, true);
    process.stderr.write(`troupe: ${message}\n`);
    return error instanceof CliError ? error.exitCode : EXIT.failed;
  }
}
