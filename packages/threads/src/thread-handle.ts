import { finished } from 'node:stream';
import type { MessagePort, Worker } from 'node:worker_threads';
import { spawnThread } from './spawn-thread.js';
import { terminateWithin } from './terminate-within.js';
import { ThreadCrashError } from './thread-crash-error.js';
import type { ThreadConfig } from './thread-options.js';
import { counters } from './thread-stats.js';

/** The code each thread runs; beside this file in `src/` and, copied by the build, in `dist/`. */
const RUNTIME = new URL('./thread-runtime.mjs', import.meta.url);

/**
 * The worker thread of one link, from its start to its exit: spawned on the runtime with the
 * link's end of the channel and the shared array, counted in `threadStats`, its death (an
 * uncaught error, an exit) told to `onDeath`, and stopped within `terminateTimeoutMs`: by
 * letting it exit once its output is through (`stop`), or by terminating it.
 */
export class ThreadHandle {
  readonly threadId: number;
  /** Resolves once the thread has loaded the worker module; rejects when it could not. */
  readonly ready: Promise<void>;
  /** The thread (its link references it while runs are in flight). */
  readonly worker: Worker;
  /** Its `exit` event came. */
  exited = false;
  readonly #terminateTimeoutMs: number;
  #settleReady!: (error?: Error) => void;

  constructor(
    config: ThreadConfig,
    port: MessagePort,
    wake: Int32Array,
    onDeath: (cause: ThreadCrashError) => void,
  ) {
    this.#terminateTimeoutMs = config.terminateTimeoutMs;
    const worker = spawnThread(RUNTIME, {
      workerData: {
        module: config.href,
        export: config.exportName,
        port,
        wake,
        epoch: performance.timeOrigin,
        data: config.workerData,
      },
      transferList: [port],
      ...(config.resourceLimits === undefined ? {} : { resourceLimits: config.resourceLimits }),
      ...(config.env === undefined ? {} : { env: config.env }),
      ...(config.argv === undefined ? {} : { argv: [...config.argv] }),
      ...(config.execArgv === undefined ? {} : { execArgv: [...config.execArgv] }),
    });
    counters.started++;
    counters.live++;
    this.worker = worker;
    this.threadId = worker.threadId;
    this.ready = new Promise<void>((resolve, reject) => {
      this.#settleReady = (error) => (error === undefined ? resolve() : reject(error));
    });
    worker.on('error', (error: unknown) => {
      onDeath(ThreadCrashError.fromError(this.threadId, error));
    });
    worker.on('exit', (code: number) => {
      this.exited = true;
      counters.live--;
      onDeath(ThreadCrashError.fromExit(this.threadId, code));
    });
  }

  /** The thread has loaded the worker module: `ready` resolves. */
  markReady(): void {
    this.#settleReady();
  }

  /**
   * The thread went before it was ready: `ready` rejects with `error` once the thread is gone
   * (a failed worker leaves no thread behind).
   */
  failSetup(error: Error): void {
    void this.terminate().then(() => this.#settleReady(error));
  }

  /**
   * Stops the thread within `terminateTimeoutMs`. `graceful`: it was asked to exit by itself, and
   * is referenced meanwhile (a script awaiting `close()` lives until it is done); it is
   * terminated if it has not exited, its output through, by then.
   */
  async stop(graceful: boolean): Promise<void> {
    if (graceful) {
      this.worker.ref();
      if (await this.#exitWithin(this.#terminateTimeoutMs)) return;
    }
    await this.terminate();
  }

  /**
   * Resolves `true` once the thread has exited and what it wrote has gone through this thread's
   * `stdout` and `stderr` (their ends come after the `exit` event: the last chunks may still be
   * in them then); `false` if that has not happened within `timeoutMs`.
   */
  #exitWithin(timeoutMs: number): Promise<boolean> {
    const worker = this.worker;
    return new Promise((resolve) => {
      const waits: (() => void)[] = [];
      let left = 3;
      // (`finished` calls back in a later tick: the timer is set by then.)
      const done = (): void => {
        if (--left > 0) return;
        clearTimeout(timer);
        resolve(true);
      };
      if (this.exited) done();
      else {
        worker.once('exit', done);
        waits.push(() => worker.off('exit', done));
      }
      waits.push(finished(worker.stdout, done), finished(worker.stderr, done));
      const timer =
        timeoutMs === Infinity
          ? undefined
          : setTimeout(() => {
              for (const stop of waits) stop();
              resolve(false);
            }, timeoutMs).unref();
    });
  }

  /** Terminates the thread; waits for it at most `terminateTimeoutMs`, then counts it leaked. */
  async terminate(): Promise<void> {
    if (this.exited) return;
    if (await terminateWithin(this.worker, this.#terminateTimeoutMs)) counters.leaked++;
  }
}
