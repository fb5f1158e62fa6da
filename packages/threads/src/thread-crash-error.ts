/**
 * Why a worker thread died after its setup: the cause of the worker crash the pool sees.
 * `code` keeps Node's error code, so that `ERR_WORKER_OUT_OF_MEMORY` marks an out-of-memory
 * death (`WorkerCrashed.oom`).
 */
export class ThreadCrashError extends Error {
  override readonly name = 'ThreadCrashError';
  constructor(
    message: string,
    /** Node's error code (`ERR_WORKER_OUT_OF_MEMORY`, …), when the thread died of an error that had one. */
    readonly code: string | undefined,
    /** The thread's exit code, when it exited without an error (`process.exit(n)`). */
    readonly exitCode: number | undefined,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  /** A thread's uncaught exception, unhandled rejection, or Node's error (out of memory). */
  static fromError(threadId: number, error: unknown): ThreadCrashError {
    const code = (error as { code?: unknown } | null)?.code;
    const what =
      error instanceof Error ? `${error.name}: ${error.message}` : `uncaught ${String(error)}`;
    return new ThreadCrashError(
      `worker thread ${threadId} crashed: ${what}`,
      typeof code === 'string' ? code : undefined,
      undefined,
      { cause: error },
    );
  }

  /** A thread that exited (`process.exit(n)`, or ended by itself) while it still had work. */
  static fromExit(threadId: number, exitCode: number): ThreadCrashError {
    return new ThreadCrashError(
      `worker thread ${threadId} exited with code ${exitCode}`,
      undefined,
      exitCode,
    );
  }
}

/**
 * Why a worker's setup failed, from why its thread went before it was ready (`cause`): died
 * (a `ThreadCrashError`), failed to load the module (its Error), or was stopped (the reason).
 */
export function setupFailure(href: string, cause: unknown): Error {
  if (cause instanceof ThreadCrashError) {
    return new Error(`worker thread for ${href} died before it was ready: ${cause.message}`, {
      cause,
    });
  }
  if (cause instanceof Error) return cause;
  return new Error(`worker thread for ${href} stopped before it was ready`, { cause });
}
