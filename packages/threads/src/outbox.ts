import type { MessagePort, TransferListItem } from 'node:worker_threads';
import { isTransfer } from './transfer.js';
import type { RunTrace } from '@troupe/core';
import { REQUEST_SLOTS, TRACED, reasonToWire } from './protocol.js';
import { BadTransferList, UnknownExport } from './refused-input.js';

/**
 * Runs on their way to a thread. The first one added schedules a flush in a microtask, which
 * posts everything added until then as one message (`[id, taskId, attempt, input, …]` with one
 * concatenated transfer list): a burst coalesces, and a lone run still leaves at once. The other
 * messages to the thread (an abort, the close) go out through it too, each waking the thread.
 */
export class Outbox {
  #items: unknown[] = [];
  #transfers: TransferListItem[] = [];
  /** Each transferring run's own list, by its index in `#items` (for the one-by-one fallback). */
  #lists: Map<number, readonly TransferListItem[]> | undefined = undefined;
  #scheduled = false;
  /**
   * The exports a run may name (`callExport`), as the thread listed them when it was ready;
   * none before that.
   */
  exports: ReadonlySet<string> = new Set();

  constructor(
    private readonly port: MessagePort,
    /** Bumped and notified after each post: a thread waiting for work wakes at once (see the runtime). */
    private readonly wake: Int32Array,
    /**
     * Told about a run whose input could not be posted (it cannot be cloned, or its transfer
     * list is bad: `transferring`), with the error.
     */
    private readonly refuse: (id: number, error: unknown, transferring: boolean) => void,
  ) {}

  /**
   * Queues one run; an input marked by `transfer` moves its list instead of copying it, and
   * one marked by `callExport` goes with its export's name (see `REQUEST_SLOTS`); both checked
   * only for a marked input. Throws `BadTransferList` when that list is not an array, and
   * `UnknownExport` for a name the thread did not list (and queues nothing).
   * `now`: post at once (with whatever else is queued); otherwise in a microtask, once the
   * caller's burst is over. `trace`: the run's trace context (a traced pool), sent with it.
   */
  add(
    id: number,
    taskId: number,
    attempt: number,
    input: unknown,
    now: boolean,
    trace?: RunTrace,
  ): void {
    let value = input;
    if (isTransfer(input)) {
      const list: unknown = input.list;
      // Checked before anything is queued: a throw here leaves the outbox as it was.
      if (!Array.isArray(list)) throw new BadTransferList(list);
      value = input.value;
      const name = input.export;
      if (name !== undefined) {
        if (!this.exports.has(name)) throw new UnknownExport(name, [...this.exports]);
        value = [name, value];
        attempt = -attempt;
      }
      if (name === undefined || list.length > 0) {
        (this.#lists ??= new Map()).set(this.#items.length, list as TransferListItem[]);
        for (const item of list as TransferListItem[]) this.#transfers.push(item);
      }
    }
    if (trace !== undefined) {
      value = [trace.traceparent, trace.tracestate, value];
      attempt += attempt < 0 ? -TRACED : TRACED;
    }
    this.#items.push(id, taskId, attempt, value);
    if (now) this.flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(this.flush);
    }
  }

  /** Runs queued and not posted yet. */
  get size(): number {
    return this.#items.length / REQUEST_SLOTS;
  }

  /** Posts what is queued now (a message sent after it then arrives after these runs). */
  readonly flush = (): void => {
    // (A flush made at once leaves the scheduled one, if any, with nothing to post.)
    this.#scheduled = false;
    const items = this.#items;
    if (items.length === 0) return;
    const transfers = this.#transfers;
    const lists = this.#lists;
    this.clear();
    try {
      this.port.postMessage(items, transfers);
      this.nudge();
    } catch {
      // Some input cannot be cloned: post them one by one, so only the bad ones fail.
      for (let i = 0; i < items.length; i += REQUEST_SLOTS) {
        try {
          this.port.postMessage(items.slice(i, i + REQUEST_SLOTS), lists?.get(i) ?? []);
        } catch (error) {
          this.refuse(items[i] as number, error, lists?.has(i) === true);
        }
      }
      this.nudge();
    }
  };

  /**
   * Tells the thread that the task of run `id` was aborted (`reason` as wire data), after the
   * runs queued: the thread must get the run before its abort.
   */
  postAbort(id: number, reason: unknown): void {
    this.flush();
    this.port.postMessage({ abort: id, reason: reasonToWire(reason) });
    this.nudge();
  }

  /** Asks the thread to exit once what its tasks wrote is through (it is idle). */
  postClose(): void {
    this.port.postMessage({ close: true });
    this.nudge();
  }

  /**
   * Wakes the thread if it waits for work (a futex wake, much sooner than its event loop would).
   * `wake[0]` counts messages; `wake[1]` is 1 while the thread waits. The count goes up first:
   * a thread about to wait then sees it changed and does not block, so the notify (a system
   * call) is needed only when the flag says it already waits.
   */
  nudge(): void {
    Atomics.add(this.wake, 0, 1);
    if (Atomics.load(this.wake, 1) === 1) Atomics.notify(this.wake, 0);
  }

  /** Drops what is queued (its runs were settled otherwise). */
  clear(): void {
    this.#items = [];
    this.#transfers = [];
    this.#lists = undefined;
  }
}
