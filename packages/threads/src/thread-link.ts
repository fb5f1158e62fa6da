import {
  MessageChannel,
  receiveMessageOnPort,
  type MessagePort,
  type Worker,
} from 'node:worker_threads';
import {
  PoolClosedError,
  TaskRejected,
  TaskTimedOut,
  UnrecoverableError,
  WorkerCrashedError,
  type TaskContext,
  type WorkerSetupContext,
} from '@troupe/core';
import { finished } from 'node:stream';
import { counters } from './thread-stats.js';
import { ThreadCrashError } from './thread-crash-error.js';
import { Outbox, UnknownExport } from './outbox.js';
import { PendingRun, type AbortTarget } from './pending-run.js';
import { INDEX_MASK, RunTable } from './run-table.js';
import { markSent, revokeRun, wasStarted } from './run-slots.mjs';
import { terminateWithin } from './terminate-within.js';
import { spawnThread } from './spawn-thread.js';
import {
  OK,
  ERROR,
  LIMIT,
  RESULT_SLOTS,
  RUN_LENGTH,
  RUN_STARTED,
  RUNNING_NOW,
  STARTED,
  fromWire,
  reasonToWire,
  type WireError,
} from './protocol.js';
import type { ThreadConfig } from './thread-options.js';
import { FIRST_LIMIT, laneLimit, stallAfterMs } from './lane-limit.js';

/** The code each thread runs; beside this file in `src/` and, copied by the build, in `dist/`. */
const RUNTIME = new URL('./thread-runtime.mjs', import.meta.url);

/** What a thread worker's resource (`ctx.resource`) tells about its thread. */
export interface ThreadResource {
  /** The thread's `threadId`. */
  readonly threadId: number;
  /** Runs sent to the thread and not answered yet. */
  readonly inFlight: number;
}

const STARTING = 0;
const READY = 1;
const ENDED = 2;

/**
 * The main side of one worker thread: spawns it, sends runs to it and settles them from its
 * answers, and turns its death into one `crash` of the pool's worker.
 *
 * Runs go out coalesced: `send` appends to an outbox that one microtask flushes as one
 * `postMessage`, so a burst of runs costs one message and a lone run still leaves at once.
 * Answers come back the same way (see `thread-runtime.mjs`). The thread is referenced only
 * while runs are in flight: an idle pool does not keep the process alive, and a busy one does
 * until the thread answers or its death is heard of (referencing the port instead would not:
 * a dying thread closes it, and the process could end before the `exit` event that settles the
 * runs). A run's abort is relayed
 * through `ctx.onAbort` (reading `ctx.signal` would make an AbortController per run).
 */
export class ThreadLink implements ThreadResource, AbortTarget {
  readonly threadId: number;
  /** Resolves once the thread has loaded the worker module; rejects when it could not. */
  readonly ready: Promise<void>;
  readonly #worker: Worker;
  readonly #port: MessagePort;
  readonly #config: ThreadConfig;
  readonly #setup: WorkerSetupContext;
  readonly #pending = new RunTable<PendingRun>();
  #phase: number = STARTING;
  /** Why it ended (once it has). */
  #cause: unknown = undefined;
  #exited = false;
  /** Asked the pool to replace this worker already: at most once. */
  #replacing = false;
  readonly #outbox: Outbox;
  /** Shared with the thread: its wake-up counter, and which runs it started (see `protocol.ts`). */
  readonly #wake: Int32Array;
  /** Settling a message of answers: the runs sent meanwhile go out together afterwards. */
  #settling = false;
  #settleReady!: (error?: Error) => void;
  /** Runs the pool may have on the thread now (its lane limit): see `lane-limit.ts`. */
  #limit: number;
  /** Whether the limit follows the runs' length (`concurrency` above 1). */
  readonly #adaptive: boolean;
  /** Runs sent so far: each run's place in that order. */
  #sent = 0;
  /** The check for a run that holds others behind it, while one is due. */
  #stallTimer: NodeJS.Timeout | undefined = undefined;
  /** The thread is in a run far longer than its usual ones: one run at a time until it ends. */
  #stalled = false;

  constructor(
    config: ThreadConfig,
    setup: WorkerSetupContext,
    /** The links of the same worker logic (this one joins once ready): see `#othersHaveRoom`. */
    private readonly siblings: Set<ThreadLink> = new Set(),
  ) {
    this.#config = config;
    this.#setup = setup;
    const { port1, port2 } = new MessageChannel();
    this.#port = port1;
    // A slot for every index of the run table: runs left behind by a timeout stay in it beside
    // the lanes' new ones, so it can hold more than `concurrency`.
    const wake = new Int32Array(new SharedArrayBuffer(4 * (STARTED + INDEX_MASK + 1)));
    wake.fill(-1, RUNNING_NOW);
    this.#adaptive = config.adaptive && config.concurrency > 1;
    // Until the first runs are measured (RUN_LENGTH stays -1 till then): as for long ones.
    this.#limit = this.#adaptive ? Math.min(config.concurrency, FIRST_LIMIT) : config.concurrency;
    wake[LIMIT] = this.#limit;
    if (this.#limit < config.concurrency) setup.limitLanes(this.#limit);
    this.#wake = wake;
    this.#outbox = new Outbox(port1, wake, this.#refuse);
    this.#worker = spawnThread(RUNTIME, {
      workerData: {
        module: config.href,
        export: config.exportName,
        port: port2,
        wake,
        epoch: performance.timeOrigin,
        data: config.workerData,
      },
      transferList: [port2],
      ...(config.resourceLimits === undefined ? {} : { resourceLimits: config.resourceLimits }),
      ...(config.env === undefined ? {} : { env: config.env }),
      ...(config.argv === undefined ? {} : { argv: [...config.argv] }),
      ...(config.execArgv === undefined ? {} : { execArgv: [...config.execArgv] }),
    });
    counters.started++;
    counters.live++;
    this.threadId = this.#worker.threadId;
    this.ready = new Promise<void>((resolve, reject) => {
      this.#settleReady = (error) => (error === undefined ? resolve() : reject(error));
    });
    port1.on('message', this.#onPort);
    this.#worker.on('error', this.#onError);
    this.#worker.on('exit', this.#onExit);
    setup.signal.addEventListener('abort', this.#onSetupAbort, { once: true });
  }

  get inFlight(): number {
    return this.#pending.size;
  }

  /** Sends one run to the thread (in the next flush); settles with its answer. */
  send(input: unknown, ctx: TaskContext<unknown>): PromiseLike<unknown> {
    if (this.#phase !== READY) {
      // Only in the moment between its death and the pool hearing of it: a crash for the task.
      return Promise.reject(
        new WorkerCrashedError(`worker thread ${this.threadId} is gone`, { cause: this.#cause }),
      );
    }
    const pending = this.#pending;
    const id = pending.freeId();
    const run = new PendingRun(this, id, ctx, this.#sent++);
    const idle = pending.size === 0;
    if (idle) this.#worker.ref();
    pending.put(id, run);
    // Sent, not started: the thread swaps this for `id` as it starts the run (see `run-slots.mjs`).
    markSent(this.#wake, id);
    if (this.#adaptive && pending.size > 1 && this.#stallTimer === undefined && this.#othersFree())
      this.#watch(0);
    // The first run for an idle thread leaves at once (the thread starts on it while the caller
    // goes on submitting), and so does the run of a caller's burst that takes the thread's last
    // lane: no more come until an answer frees one, and the thread would idle until the burst
    // ends. The runs the pool sends while it settles a message of answers (a run per freed
    // lane) go out together once it is done: one message, and one wake-up of the thread.
    try {
      this.#outbox.add(
        id,
        ctx.taskId,
        ctx.attempt,
        input,
        idle || (!this.#settling && pending.size >= this.#limit),
      );
    } catch (error) {
      // A bad transfer list (`add` queued nothing): refused, and nothing of the run is left.
      this.#refuse(id, error, true);
      return run;
    }
    ctx.onAbort(run);
    return run;
  }

  /**
   * A run was aborted while in flight (cancelled, or past its timeout): tell the thread
   * (cooperative code sees its `ctx.signal` abort), and have the pool replace this worker, since
   * only terminating the thread surely stops the run. Not when the pool stops the worker itself
   * (a close or a failure stops it; with `supervision.timeouts: 'crash-worker'` a timeout
   * crashes it): to act once, the replace waits a microtask and goes ahead only if no teardown
   * began meanwhile.
   */
  abortRun(run: PendingRun, reason: unknown): void {
    if (this.#phase !== READY || this.#pending.get(run.id) !== run) return;
    this.#outbox.flush(); // the thread must get the run before its abort
    this.#port.postMessage({ abort: run.id, reason: reasonToWire(reason) });
    this.#outbox.nudge();
    // A close with abort cancels every task: none to spare.
    if (reason instanceof PoolClosedError) return;
    // The pool may crash this worker for a timeout at once: the others on the thread are
    // innocent of that too.
    if (reason instanceof TaskTimedOut) this.#spareInnocent(run);
    if (this.#replacing) return;
    this.#replacing = true;
    const what =
      reason instanceof TaskTimedOut ? 'ran past its timeout' : 'was cancelled while it ran';
    const cause = new Error(
      `worker thread ${this.threadId} is replaced: task ${run.taskId} ${what}, and only terminating the thread stops it`,
      { cause: reason },
    );
    queueMicrotask(() => {
      if (this.#phase !== READY) return;
      this.#spareInnocent(run);
      this.#setup.replace(cause);
    });
  }

  /**
   * Tells the pool which runs in flight are innocent of this thread's end, before it hears of
   * the end (they go back to the front of its queue, nothing counted; the thread is terminated,
   * so none of them runs on). `culprit`: the run known to cause it (a timeout, a cancellation);
   * otherwise the one whose synchronous part the thread was in when it died (`process.exit`, a
   * loop that ran out of memory), if any. Runs the thread had not started are innocent; runs it
   * had started are innocent beside a culprit, and charged when there is none (the thread died
   * in async code — a timer's uncaught exception, an unhandled rejection — where any of them
   * may be to blame: sparing them all would let a poison task crash thread after thread
   * without ever reaching quarantine).
   */
  #spareInnocent(culprit: PendingRun | undefined): void {
    const wake = this.#wake;
    let blamed = culprit;
    if (blamed === undefined) {
      const now = wake[RUNNING_NOW]!;
      if (now >= 0) blamed = this.#pending.get(now);
    }
    for (const run of this.#pending.values()) {
      if (run === blamed) continue;
      if (!wasStarted(wake, run.id) || blamed !== undefined) this.#setup.requeue(run.taskId);
    }
  }

  /**
   * Checks, `afterMs` from now (at least the stall threshold), whether the thread has been in one
   * run far longer than its runs usually take while others wait behind it (see `#check`).
   */
  #watch(afterMs: number): void {
    const delay = Math.max(afterMs, stallAfterMs(this.#runLength()));
    this.#stallTimer = setTimeout(this.#check, delay).unref();
  }

  /** The thread's moving average of its runs' synchronous length (ms); negative before the first. */
  #runLength(): number {
    return this.#wake[RUN_LENGTH]! / 1000;
  }

  /**
   * A run that holds others behind it: when the thread has been in the same run past the stall
   * threshold, the runs sent after it that it has not started are taken back (each one that the
   * thread did not start first: see `run-slots.mjs`) and given back to the pool, at the front of its
   * queue, for another thread; and the pool sends this one no more until the run ends. Otherwise
   * a check is due again while runs wait behind another.
   */
  readonly #check = (): void => {
    this.#stallTimer = undefined;
    if (this.#phase !== READY || this.#stalled || this.#pending.size < 2) return;
    const threshold = stallAfterMs(this.#runLength());
    const ranMs = this.#inRunFor();
    // Taken back, the runs would only wait in the queue until a thread is free: left as they
    // are (a thread descheduled for a while, on cores shared with others, looks the same), and
    // no more checks until another thread has room (see `#settle`).
    if (!this.#othersFree()) return;
    if (ranMs < threshold) return this.#watch(threshold - ranMs);
    if (!this.#othersHaveRoom()) return this.#watch(threshold);
    this.#stalled = true;
    this.#setLimit(1);
    const wake = this.#wake;
    const revoked: PendingRun[] = [];
    for (const run of this.#pending.values()) if (revokeRun(wake, run.id)) revoked.push(run);
    if (revoked.length === 0) return;
    revoked.sort((a, b) => a.sent - b.sent);
    for (const run of revoked) this.#pending.take(run.id);
    this.#setup.giveBack(revoked.map((run) => run.taskId));
  };

  /**
   * Whether another thread of this logic could take runs now: it has fewer in flight than its
   * limit, so the pool has a lane of it free. (The links of every pool made from one logic
   * value are counted together: a pool sharing its logic with another may give runs back for
   * nothing now and then.)
   */
  #othersHaveRoom(): boolean {
    for (const link of this.siblings) if (link !== this && link.hasRoom) return true;
    return false;
  }

  /**
   * How long (ms) the thread has been in the synchronous part of its current run; 0 when it is
   * in none. (RUN_STARTED is read after RUNNING_NOW, which the thread writes after it: at worst
   * it is the start of a later run, never of an earlier one.)
   */
  #inRunFor(): number {
    if (this.#wake[RUNNING_NOW]! < 0) return 0;
    return ((((performance.now() * 1000) | 0) - this.#wake[RUN_STARTED]!) | 0) / 1000;
  }

  /**
   * Whether another thread of this logic has a lane free (fewer runs in flight than its limit):
   * only then is a check for a stall worth its timer. While every thread is full (a burst of
   * short tasks) none runs; a thread whose answers leave it with room starts the others' checks.
   */
  #othersFree(): boolean {
    for (const link of this.siblings) if (link !== this && link.#free()) return true;
    return false;
  }

  /** Room here now: the other threads' runs waiting behind a long one could come here. */
  #offerRoom(): void {
    for (const link of this.siblings)
      if (link !== this && link.#pending.size > 1 && link.#stallTimer === undefined) link.#watch(0);
  }

  #free(): boolean {
    return this.#phase === READY && !this.#stalled && this.#pending.size < this.#limit;
  }

  /** Ready, with fewer runs in flight than its limit, and not in a run past the stall threshold. */
  get hasRoom(): boolean {
    return (
      this.#phase === READY &&
      !this.#stalled &&
      this.#pending.size < this.#limit &&
      this.#inRunFor() < stallAfterMs(this.#runLength())
    );
  }

  /** Tells the pool, and the thread, how many runs it may have on the thread now. */
  #setLimit(limit: number): void {
    if (limit === this.#limit) return;
    this.#limit = limit;
    this.#wake[LIMIT] = limit;
    this.#setup.limitLanes(limit);
  }

  /**
   * After a message of answers: a stalled thread is through its long run; and the limit follows
   * the runs' length (see `laneLimit`).
   */
  #adapt(): void {
    this.#stalled = false;
    const length = this.#runLength();
    if (length < 0) return this.#setLimit(Math.min(this.#config.concurrency, FIRST_LIMIT));
    const target = laneLimit(length, this.#config.concurrency, this.#limit);
    if (target !== this.#limit) this.#setLimit(target);
  }

  /**
   * Stops the thread (the worker's teardown). An idle thread is asked to exit by itself, which
   * it does once what its tasks wrote to stdout and stderr has reached this thread (terminated,
   * it would lose what was still on its way); it gets `terminateTimeoutMs` for that. A thread
   * with runs still in flight (a task that hung or was cancelled, an aborted close) is
   * terminated at once, and those runs reject. `terminate()` is awaited at most
   * `terminateTimeoutMs`; past that the thread counts as leaked.
   */
  async close(): Promise<void> {
    const graceful = this.#phase === READY && this.#pending.size === 0 && !this.#exited;
    if (graceful) {
      // Referenced while it exits: a script awaiting `close()` lives until it is done.
      this.#worker.ref();
      this.#port.postMessage({ close: true });
      this.#outbox.nudge();
    }
    this.#end(new Error(`worker thread ${this.threadId} was stopped before the task finished`));
    if (graceful && (await this.#exitWithin(this.#config.terminateTimeoutMs))) return;
    await this.#terminate();
  }

  /**
   * Resolves `true` once the thread has exited and what it wrote has gone through this thread's
   * `stdout` and `stderr` (their ends come after the `exit` event: the last chunks may still be
   * in them then); `false` if that has not happened within `timeoutMs`.
   */
  #exitWithin(timeoutMs: number): Promise<boolean> {
    const worker = this.#worker;
    return new Promise((resolve) => {
      const waits: (() => void)[] = [];
      let left = 3;
      // (`finished` calls back in a later tick: the timer is set by then.)
      const done = (): void => {
        if (--left > 0) return;
        clearTimeout(timer);
        resolve(true);
      };
      if (this.#exited) done();
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
  async #terminate(): Promise<void> {
    if (this.#exited) return;
    if (await terminateWithin(this.#worker, this.#config.terminateTimeoutMs)) counters.leaked++;
  }

  /**
   * An input that cannot be posted: its run settles `TaskRejected`, the thread never sees it.
   * `transferring`: the input was marked by `transfer`, whose list may be what is wrong.
   */
  readonly #refuse = (id: number, error: unknown, transferring: boolean): void => {
    const run = this.#pending.get(id);
    if (run === undefined) return;
    this.#forget(id);
    if (error instanceof UnknownExport) {
      run.reject(
        new TaskRejected(
          'invalid-input',
          `task ${run.taskId} cannot run on worker module ${this.#config.href}: ${error.message}`,
          run.taskId,
        ),
      );
      return;
    }
    const why = error instanceof Error ? error.message : String(error);
    const rule = transferring
      ? 'inputs must be structured-cloneable, and a transfer list an array of transferables (ArrayBuffer, MessagePort, …), each once'
      : 'inputs must be structured-cloneable: no functions, symbols, or objects holding them';
    run.reject(
      new TaskRejected(
        'invalid-input',
        `the input of task ${run.taskId} cannot be sent to a worker thread: ${why} (${rule})`,
        run.taskId,
      ),
    );
  };

  /**
   * The port's listener: one message, then every other one already waiting, read at once, so
   * that the answers they carry settle together and the next runs they free go out as one
   * message (the port would otherwise deliver them one by one, a flush each).
   */
  readonly #onPort = (message: unknown): void => {
    this.#onMessage(message);
    while (this.#phase === READY) {
      const next = receiveMessageOnPort(this.#port);
      if (next === undefined) return;
      this.#onMessage(next.message);
    }
  };

  readonly #onMessage = (message: unknown): void => {
    if (Array.isArray(message)) return this.#settle(message);
    const control = message as {
      ready?: true;
      exports?: string[];
      failed?: WireError;
      fatal?: boolean;
    };
    if (control.ready === true && this.#phase === STARTING) {
      this.#phase = READY;
      this.siblings.add(this);
      if (this.#adaptive) this.#offerRoom();
      this.#outbox.exports = new Set(control.exports);
      this.#setup.signal.removeEventListener('abort', this.#onSetupAbort);
      this.#port.unref();
      if (this.#pending.size === 0) this.#worker.unref();
      this.#settleReady();
    } else if (control.failed !== undefined) {
      const error = fromWire(control.failed);
      // A module that cannot be loaded: a restart would fail the same way, so the pool fails
      // at once (with the loader's message; the loader's error as the cause).
      this.#die(
        control.fatal === true ? new UnrecoverableError(error.message, { cause: error }) : error,
      );
    }
  };

  #settle(batch: unknown[]): void {
    const pending = this.#pending;
    this.#settling = true;
    try {
      for (let i = 0; i < batch.length; i += RESULT_SLOTS) {
        const id = batch[i] as number;
        const run = pending.take(id);
        if (run === undefined) {
          this.#stray(id);
          continue;
        }
        const kind = batch[i + 1];
        const value = batch[i + 2];
        if (kind === OK) run.resolve(value);
        else run.reject(kind === ERROR ? fromWire(value as WireError) : value);
      }
      if (this.#adaptive && this.#phase === READY) {
        this.#adapt();
        if (this.#free()) this.#offerRoom();
      }
    } finally {
      this.#settling = false;
    }
    if (pending.size === 0 && this.#phase === READY) this.#worker.unref();
  }

  /**
   * An answer for no run in flight: the thread answered a run twice, or one it was never sent.
   * Dropped (it must not settle the run that has its index now), and told to the pool.
   */
  #stray(id: unknown): void {
    const taskId = typeof id === 'number' ? this.#pending.takenTask(id) : undefined;
    const detail =
      taskId === undefined
        ? `worker thread ${this.threadId} answered a run it was not running (id ${String(id)}): the answer was dropped`
        : `worker thread ${this.threadId} answered task ${taskId} again, after its run was settled: the answer was dropped`;
    this.#setup.strayAnswer(taskId, detail);
  }

  #forget(id: number): void {
    this.#pending.take(id);
    if (this.#pending.size === 0 && this.#phase === READY) this.#worker.unref();
  }

  readonly #onError = (error: unknown): void => {
    this.#die(ThreadCrashError.fromError(this.threadId, error));
  };

  readonly #onExit = (code: number): void => {
    this.#exited = true;
    counters.live--;
    this.#die(ThreadCrashError.fromExit(this.threadId, code));
  };

  readonly #onSetupAbort = (): void => {
    this.#die(this.#setup.signal.reason);
  };

  /**
   * The thread died, or has to go before it was ready: answers it sent before count, then
   * runs in flight reject with `cause`, and the pool hears of it once: a failed setup before
   * `ready`, a `crash` after.
   */
  #die(cause: unknown): void {
    if (this.#phase === ENDED) return;
    // Answers it posted before it died are already in the port: they still count.
    let next = receiveMessageOnPort(this.#port);
    while (next !== undefined) {
      this.#onMessage(next.message);
      if (this.#phase === ENDED) return; // it said why itself (a module that failed to load)
      next = receiveMessageOnPort(this.#port);
    }
    const wasReady = this.#phase === READY;
    if (wasReady) this.#spareInnocent(undefined);
    this.#end(cause);
    if (wasReady) {
      this.#setup.crash(cause);
      return;
    }
    const { href } = this.#config;
    const error =
      cause instanceof ThreadCrashError
        ? new Error(`worker thread for ${href} died before it was ready: ${cause.message}`, {
            cause,
          })
        : cause instanceof Error
          ? cause
          : new Error(`worker thread for ${href} stopped before it was ready`, { cause });
    // Setup fails once the thread is gone: a failed worker leaves no thread behind.
    void this.#terminate().then(() => this.#settleReady(error));
  }

  /** No more runs: every one in flight rejects with `cause`, and the port closes. */
  #end(cause: unknown): void {
    if (this.#phase === ENDED) return;
    this.#phase = ENDED;
    this.#cause = cause;
    this.siblings.delete(this);
    if (this.#stallTimer !== undefined) clearTimeout(this.#stallTimer);
    this.#stallTimer = undefined;
    this.#setup.signal.removeEventListener('abort', this.#onSetupAbort);
    const runs = this.#pending.clear();
    this.#outbox.clear();
    this.#port.close();
    // A microtask later: the pool hears of the crash (or of the stop) first, so that these
    // tasks settle as what happened to their worker, not as failures of their own.
    if (runs.length > 0) queueMicrotask(() => runs.forEach((run) => run.reject(cause)));
  }
}
