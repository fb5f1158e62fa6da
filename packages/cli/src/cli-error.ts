/** Exit codes of `troupe`: what its caller (a shell, CI) reads. */
export const EXIT = {
  /** Done, nothing failed. */
  ok: 0,
  /** Something failed: the system, the workload, a module or config that could not be used. */
  failed: 1,
  /** Stopped by Ctrl-C (SIGINT): 128 + 2, as a shell reports it. */
  interrupted: 130,
} as const;

/**
 * A failure the CLI explains in one message (which file, which path, what is wrong) and ends
 * with `exitCode`, without a stack trace: a module that cannot be loaded, a bad spec, a bad flag.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A thrown value as the lines a user reads: `Name: message`, with `where` the first line of its
 * stack (where it was thrown: a line of the user's module), then each `cause` the same way.
 */
export function describeError(error: unknown, where = false): string {
  if (error instanceof CliError) return error.message;
  if (error instanceof Error) {
    const at = where ? error.stack?.split('\n').find((line) => /^\s+at /.test(line)) : undefined;
    const text = `${error.name}: ${error.message}${at === undefined ? '' : `\n  ${at.trim()}`}`;
    const cause = error.cause;
    return cause === undefined ? text : `${text}\n  caused by ${describeError(cause, where)}`;
  }
  return String(error);
}
