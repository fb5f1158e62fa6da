import {
  MessageChannel,
  receiveMessageOnPort,
  type MessagePort,
  type Worker,
} from 'node:worker_threads';
import {
  PoolClosedError,
  TaskTimedOut,
  UnrecoverableError,
  WorkerCrashedError,
  type RunTrace,
  type TaskContext,
  type WorkerSetupContext,
} from '@troupe/core';
import { setupFailure } from './thread-crash-error.js';
import { ThreadHandle } from './thread-handle.js';
import { Outbox } from './outbox.js';
import { PendingRun, type AbortTarget } from './pending-run.js';
import { RunTable } from './run-table.js';
import { markSent } from './run-slots.mjs';
import { LaneLimit } from './lane-limit.js';
import { StallWatch } from './stall-watch.js';
import { spareInnocent } from './spare-innocent.js';
import { refusedInput } from './refused-input.js';
import { settleAnswers } from './settle-answers.js';
import { fromWire, sharedArray, type ControlMessage } from './protocol.js';
import type { ThreadConfig } from './thread-options.js';
import type { ThreadResource } from './thread-resource.js';

const STARTING = 0;
const READY = 1;
const ENDED = 2;

/**
 * The main side of one worker thread: spawns it (`ThreadHandle`), sends runs to it and settles
 * them from its answers, and turns its death into one `crash` of the pool's worker.
 *
 * Runs go out coalesced: `send` appends to an outbox that one microtask flushes as one
 * `postMessage`, so a burst of runs costs one message and a lone run still leaves at once.
 * Answers come back the same way (see `thread-runtime.mjs`). How many runs the pool may have on
 * the thread follows their length (`LaneLimit`), and runs held behind a long one go to another
 * thread (`StallWatch`). The thread is referenced only while runs are in flight: an idle pool
 * does not keep the process alive, and a busy one does until the thread answers or its death is
 * heard of (referencing the port instead would not: a dying thread closes it, and the process
 * could end before the `exit` event that settles the runs). A run's abort is relayed through
 * `ctx.onAbort` (reading `ctx.signal` would make an AbortController per run).
 */
export class ThreadLink implements ThreadResource, AbortTarget {
  readonly threadId: number;
  /** Resolves once the thread has loaded the worker module; rejects when it could not. */
  readonly ready: Promise<void>;
  readonly #thread: ThreadHandle;
  /** The thread's `Worker` (the handle's), referenced while runs are in flight. */
  readonly #worker: Worker;
  readonly #port: MessagePort;
  readonly #config: ThreadConfig;
  readonly #setup: WorkerSetupContext;
  readonly #pending = new RunTable<PendingRun>();
  #phase: number = STARTING;
  /** Why it ended (once it has). */
  #cause: unknown = undefined;
  /** Asked the pool to replace this worker already: at most once. */
  #replacing = false;
  readonly #outbox: Outbox;
  /** Shared with the thread: its wake-up counter, and where each run stands (see `protocol.ts`). */
  readonly #wake: Int32Array;
  /** Settling a message of answers: the runs sent meanwhile go out together afterwards. */
  #settling = false;
  /** Runs the pool may have on the thread now (its lane limit). */
  readonly #lanes: LaneLimit;
  /** When the limit follows the runs' length (`concurrency` above 1): the watch for stalls. */
  readonly #stalls: StallWatch | undefined;
  /** Runs sent so far: each run's place in that order. */
  #sent = 0;

  constructor(
    config: ThreadConfig,
    setup: WorkerSetupContext,
    /** The stall watches of the same worker logic's threads (see `StallWatch`). */
    siblings: Set<StallWatch> = new Set(),
  ) {
    this.#config = config;
    this.#setup = setup;
    const { port1, port2 } = new MessageChannel();
    this.#port = port1;
    const wake = sharedArray();
    this.#wake = wake;
    const adaptive = config.adaptive && config.concurrency > 1;
    this.#lanes = new LaneLimit(config.concurrency, adaptive, wake, setup);
    this.#stalls = adaptive
      ? new StallWatch(this.#pending, wake, this.#lanes, setup, siblings)
      : undefined;
    this.#outbox = new Outbox(port1, wake, this.#refuse);
    this.#thread = new ThreadHandle(config, port2, wake, (cause) => this.#die(cause));
    this.#worker = this.#thread.worker;
    this.threadId = this.#thread.threadId;
    this.ready = this.#thread.ready;
    port1.on('message', this.#onPort);
    setup.signal.addEventListener('abort', this.#onSetupAbort, { once: true });
  }

  get inFlight(): number {
    return this.#pending.size;
  }

  /** Sends one run to the thread (in the next flush), with its trace context if traced; settles with its answer. */
  send(input: unknown, ctx: TaskContext<unknown>, trace?: RunTrace): PromiseLike<unknown> {
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
    if (this.#stalls !== undefined && pending.size > 1) this.#stalls.sent();
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
        idle || (!this.#settling && pending.size >= this.#lanes.value),
        trace,
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
    this.#outbox.postAbort(run.id, reason);
    // A close with abort cancels every task: none to spare.
    if (reason instanceof PoolClosedError) return;
    // The pool may crash this worker for a timeout at once: the others on the thread are
    // innocent of that too.
    if (reason instanceof TaskTimedOut) spareInnocent(this.#pending, this.#wake, run, this.#setup);
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
      spareInnocent(this.#pending, this.#wake, run, this.#setup);
      this.#setup.replace(cause);
    });
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
    const graceful = this.#phase === READY && this.#pending.size === 0 && !this.#thread.exited;
    if (graceful) this.#outbox.postClose();
    this.#end(new Error(`worker thread ${this.threadId} was stopped before the task finished`));
    await this.#thread.stop(graceful);
  }

  /**
   * An input that cannot be posted: its run settles `TaskRejected`, the thread never sees it.
   * `transferring`: the input was marked by `transfer`, whose list may be what is wrong.
   */
  readonly #refuse = (id: number, error: unknown, transferring: boolean): void => {
    const run = this.#pending.get(id);
    if (run === undefined) return;
    this.#pending.take(id);
    if (this.#pending.size === 0 && this.#phase === READY) this.#worker.unref();
    run.reject(refusedInput(run.taskId, this.#config.href, error, transferring));
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
    const control = message as ControlMessage;
    if (control.ready === true && this.#phase === STARTING) {
      this.#phase = READY;
      this.#stalls?.start();
      this.#outbox.exports = new Set(control.exports);
      this.#setup.signal.removeEventListener('abort', this.#onSetupAbort);
      this.#port.unref();
      if (this.#pending.size === 0) this.#worker.unref();
      this.#thread.markReady();
    } else if (control.failed !== undefined) {
      const error = fromWire(control.failed);
      // A module that cannot be loaded: a restart would fail the same way, so the pool fails
      // at once (with the loader's message; the loader's error as the cause).
      this.#die(
        control.fatal === true ? new UnrecoverableError(error.message, { cause: error }) : error,
      );
    }
  };

  /** A message of answers: their runs settle; then the lane limit and the stall watch follow. */
  #settle(batch: unknown[]): void {
    this.#settling = true;
    try {
      settleAnswers(batch, this.#pending, this.threadId, this.#setup);
      if (this.#stalls !== undefined && this.#phase === READY) {
        this.#lanes.adapt();
        this.#stalls.answered();
      }
    } finally {
      this.#settling = false;
    }
    if (this.#pending.size === 0 && this.#phase === READY) this.#worker.unref();
  }

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
    if (wasReady) spareInnocent(this.#pending, this.#wake, undefined, this.#setup);
    this.#end(cause);
    if (wasReady) {
      this.#setup.crash(cause);
      return;
    }
    this.#thread.failSetup(setupFailure(this.#config.href, cause));
  }

  /** No more runs: every one in flight rejects with `cause`, and the port closes. */
  #end(cause: unknown): void {
    if (this.#phase === ENDED) return;
    this.#phase = ENDED;
    this.#cause = cause;
    this.#stalls?.stop();
    this.#setup.signal.removeEventListener('abort', this.#onSetupAbort);
    const runs = this.#pending.clear();
    this.#outbox.clear();
    this.#port.close();
    // A microtask later: the pool hears of the crash (or of the stop) first, so that these
    // tasks settle as what happened to their worker, not as failures of their own.
    if (runs.length > 0) queueMicrotask(() => runs.forEach((run) => run.reject(cause)));
  }
}
