// @ts-check
/**
 * The thread's message loop: the link's messages in (batches of runs, aborts, the close), runs
 * started one after another, answers out in as few messages as their latency bounds allow
 * (see `runAll`), and, while idle, a short blocking wait for the next message (see
 * `waitForWork`).
 */
import { receiveMessageOnPort } from 'node:worker_threads';
import * as protocol from './protocol-constants.mjs';
import { afterFlush, heldSince, holding, post } from './answers.mjs';
import { abortRun, inProgress, runTask } from './run-task.mjs';
import * as wiring from './thread-wiring.mjs';

// Bound once as constants of this module: the hot loop reads them as it reads its own.
const { REQUEST_SLOTS, RUN_STARTED, RUN_LENGTH, LIMIT } = protocol;
const { micros, port, wake } = wiring;

/**
 * How long an idle thread blocks waiting for its next input (ms) before it goes back to its
 * event loop. The main side bumps and notifies `wake` after each message, so a thread that
 * waits on it wakes at once, much sooner than through its event loop: a pool that gets its next
 * task within this time (a caller awaiting one task after another) pays no wake-up on this side.
 * Bounded, so the thread's own timers and I/O are never held up longer than this (piscina's
 * default waits without a bound). 2 ms was too short when several pools share the cores.
 */
const IDLE_WAIT_MS = 20;
/**
 * How long an answer may wait to go out with later ones (ms). While a thread works through
 * synchronous tasks, answers are sent together, each one held at most this long behind the
 * tasks after it — judged by the length of the task just run, so an answer can still wait for
 * one task longer than the ones before it. Every message the thread sends wakes the main
 * thread, which takes a core from the threads while it handles it (~60 µs of its CPU a wake-up
 * on the benchmarks' VM): with 1 ms tasks, 2 ms cost 2–3 % of the cores, and 8 ms still ~0.5 %
 * more than 16 (the main thread's CPU 31–42 → 21–29 ms per 2,000 tasks on 2 threads).
 */
const HOLD_MS = 16;
/**
 * Answers go out sooner when the runs this thread holds fall to half of what the pool may send
 * it (its lane limit: `LIMIT` in `wake`): the pool then sends the next runs while the thread works on the rest,
 * instead of after it has run dry. Judged, like `HOLD_MS`, with the next task taken to last as
 * long as the one just run, and not before this much (ms): a batch of tiny tasks, over long
 * before the pool could answer, still goes back as one message, while the answer of a 10 ms
 * task leaves before the next such task rather than after it.
 */
const REFILL_AFTER_MS = 0.25;

/** Half of the runs the link may have on this thread now (its lane limit, at most `concurrency`). */
const lowWater = () => /** @type {number} */ (wake[LIMIT]) >> 1;

/**
 * How long this thread's runs take, their synchronous part (ms): a moving average over about the
 * last 8, each counted as at most 4 × the average (+ 50 µs), so that one long run among short
 * ones does not make them all look long. The link sets how many runs it sends from it.
 */
let runLength = -1;
/** In a batch, or already waiting: not the moment to block. */
let busy = false;
/** Answers went out early to have the pool send more runs, and none have come since. */
let refillAsked = false;
/** The pool stops this thread: no more runs. */
let closing = false;

/** Serves the link's messages, from now on: the worker module is loaded. */
export function serve() {
  afterFlush(() => {
    if (inProgress() === 0 && !busy) waitForWork();
  });
  port.on('message', onMessage);
}

/** @param {unknown} message */
function onMessage(message) {
  busy = true;
  try {
    handle(message);
  } finally {
    busy = false;
  }
}

/** @param {unknown} message */
function handle(message) {
  if (Array.isArray(message)) {
    refillAsked = false;
    runAll(message);
  } else control(message);
}

/**
 * A message that is no batch of runs: `{ abort: id, reason }` or `{ close: true }`.
 *
 * @param {unknown} message
 */
function control(message) {
  if (message === null || typeof message !== 'object') return;
  if ('abort' in message) {
    const { abort, reason } = /** @type {{ abort: number, reason: unknown }} */ (message);
    abortRun(abort, reason);
  } else if (/** @type {{ close?: unknown }} */ (message).close === true) exitFlushed();
}

function waitForWork() {
  busy = true;
  try {
    let deadline = performance.now() + IDLE_WAIT_MS;
    for (;;) {
      const seen = Atomics.load(wake, 0);
      let entry = receiveMessageOnPort(port);
      if (entry !== undefined) {
        do {
          handle(entry.message);
          entry = receiveMessageOnPort(port);
        } while (entry !== undefined);
        if (holding()) post();
        // Async tasks in progress: back to the event loop, which runs them (and closing too).
        if (inProgress() > 0 || closing) return;
        deadline = performance.now() + IDLE_WAIT_MS;
        continue;
      }
      const left = deadline - performance.now();
      if (left <= 0) return;
      // Flag first, then wait on the count read before the port was drained: a message posted
      // since then has changed the count, and the wait returns at once (see `Outbox.nudge`).
      Atomics.store(wake, 1, 1);
      const woke = Atomics.wait(wake, 0, seen, left);
      Atomics.store(wake, 1, 0);
      if (woke === 'timed-out') return;
    }
  } finally {
    busy = false;
  }
}

/**
 * Ends the thread once what its tasks wrote has reached the main thread. A thread's stdout and
 * stderr are piped to the main thread asynchronously, a chunk at a time (the next one leaves
 * when the main thread has taken the last): terminated, the thread would lose what is still
 * buffered. The empty writes call back once everything before them was taken. Then it exits,
 * even if its tasks left timers or handles open; the pool terminates it if this takes too long.
 */
function exitFlushed() {
  if (closing) return;
  closing = true;
  port.off('message', onMessage);
  port.close();
  let streams = 2;
  const flushed = () => {
    if (--streams === 0) process.exit(0);
  };
  process.stdout.write('', flushed);
  process.stderr.write('', flushed);
}

/**
 * Starts the runs of a message, one after another, then those of every message already waiting
 * on the port (read here, without a turn of the event loop, so that answers are not sent once
 * per message of the pool's). Stops reading when an async task is in progress: its completion
 * needs the event loop. Answers go out per `HOLD_MS` and `REFILL_AFTER_MS`; what is left, in
 * the flush after this.
 *
 * @param {unknown[]} first
 */
function runAll(first) {
  let batch = first;
  let i = 0;
  let now = performance.now();
  for (;;) {
    if (i === batch.length) {
      if (inProgress() > 0) return;
      const entry = receiveMessageOnPort(port);
      if (entry === undefined) return;
      if (!Array.isArray(entry.message)) {
        control(entry.message);
        continue;
      }
      batch = entry.message;
      i = 0;
      refillAsked = false;
      continue;
    }
    const began = now;
    wake[RUN_STARTED] = micros(began);
    runTask(
      /** @type {number} */ (batch[i]),
      /** @type {number} */ (batch[i + 1]),
      /** @type {number} */ (batch[i + 2]),
      batch[i + 3],
    );
    i += REQUEST_SLOTS;
    now = performance.now();
    const took = now - began;
    if (runLength < 0) runLength = took;
    else runLength += (Math.min(took, 4 * runLength + 0.05) - runLength) / 8;
    wake[RUN_LENGTH] = runLength * 1000;
    if (!holding()) continue;
    // The next task is taken to last as long as this one did: how long what is held would have
    // waited by the end of it.
    const waited = now - heldSince + (now - began);
    if (waited >= HOLD_MS) post();
    else if (
      !refillAsked &&
      waited >= REFILL_AFTER_MS &&
      (batch.length - i) / REQUEST_SLOTS <= lowWater()
    ) {
      // Running low: take the runs already waiting on the port, and if that is still half or
      // less, have the pool send more.
      const entry = receiveMessageOnPort(port);
      if (entry !== undefined) {
        if (Array.isArray(entry.message)) {
          batch = batch.slice(i).concat(entry.message);
          i = 0;
        } else control(entry.message);
      }
      if ((batch.length - i) / REQUEST_SLOTS <= lowWater()) {
        post();
        refillAsked = true;
      }
    }
  }
}
