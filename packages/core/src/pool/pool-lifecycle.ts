import { checkCloseOptions } from '../close-options.js';
import type { Subject } from 'rxjs';
import type { PoolActorRef } from './pool-parts.js';
import { PoolClosedError, PoolStateError } from '../errors.js';
import type { Clock } from '../time/clock.js';
import type { CloseOptions } from '../sink.js';
import type { PoolEngine } from './pool-engine.js';
import type { PoolState } from './pool-events.js';
import type { PoolStreams } from './pool-streams.js';

/** What the lifecycle drives and ends. */
export interface LifecycleParts {
  readonly name: string;
  readonly clock: Clock;
  /** The pool actor: only the handle (this, and resize) sends it events. */
  readonly actor: PoolActorRef;
  readonly engine: Pick<PoolEngine<unknown, unknown>, 'clear' | 'resume' | 'refuse'> & {
    /** The engine's streams, completed when the close is final. */
    readonly events$: Pick<Subject<unknown>, 'complete'>;
    readonly results$: Pick<Subject<unknown>, 'complete'>;
    readonly deadLetters$: Pick<Subject<unknown>, 'complete'>;
  };
  readonly streams: PoolStreams;
  /** A batch pool's batcher: its open batch goes out on close; its `results$` ends with the pool. */
  readonly batcher: { flush(reason: 'close'): void; finish(): void } | undefined;
}

/**
 * A pool's start and close, and the waits on its actor: `start()` checked against the state,
 * `close()` (drain or abort, bounded by a deadline, the same promise for every call), and the
 * end that makes a close final — every stream completed, no timer of the pool left.
 */
export class PoolLifecycle {
  #closing: Promise<void> | undefined;
  /** `close()` has resolved: the streams are complete and the pool may not start again. */
  #closed = false;
  /** The streams have been completed (see `finish`). */
  #finished = false;
  /** The close deadline now armed: when it falls, and its timer. */
  #deadline: { readonly at: number; readonly timer: unknown } | undefined;

  constructor(private readonly parts: LifecycleParts) {}

  /** Whether the close is final: from the moment a close reaches `stopped`. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * The pool actor entered `state`; `true` when that is a close reaching `stopped` (the caller
   * finishes once it has told the streams). Final from that moment: no start() may slip in
   * before it resolves, not even from a subscriber told of `stopped`.
   */
  entered(state: PoolState): boolean {
    const closed = state === 'stopped' && this.#closing !== undefined;
    if (closed) this.#closed = true;
    return closed;
  }

  start(): void {
    const { name, streams, actor } = this.parts;
    const state = streams.state;
    if (this.#closed) {
      throw new PoolStateError(
        'start',
        state,
        `cannot start pool '${name}': it is closed, and close() is final (create a new pool)`,
      );
    }
    if (state === 'closing') {
      throw new PoolStateError(
        'start',
        state,
        `cannot start pool '${name}' while it is closing: await close() first`,
      );
    }
    if (state === 'stopped' || state === 'failed') actor.send({ type: 'pool.start' });
  }

  close(options: CloseOptions = {}): Promise<void> {
    const { abort, timeoutMs, cancelQueued } = checkCloseOptions(options);
    const { name, actor, clock, streams } = this.parts;
    // The reason is read only by an abort: an error (and its stack) per drained pool was a
    // seventh of what closing 10,000 small pools cost.
    const closeEvent = () =>
      ({
        type: 'pool.close',
        abort,
        reason: abort ? new PoolClosedError(`pool '${name}' closed with abort`) : undefined,
      }) as const;
    if (this.#closing !== undefined) {
      // Already closing: a later abort or deadline still bounds it; the promise is the same.
      if (timeoutMs !== undefined) this.#closeWithin(timeoutMs);
      this.#closeQueue(abort, cancelQueued);
      if (abort) actor.send(closeEvent());
      return this.#closing;
    }
    if (streams.state === 'stopped') {
      // Never started (or closed already): nothing to drain, but the close is final all the same.
      this.finish();
      return Promise.resolve();
    }
    // The batch being filled goes to the workers, not to waste.
    this.parts.batcher?.flush('close');
    this.#closeQueue(abort, cancelQueued);
    const closing = this.until(() => streams.state === 'stopped', 'close').finally(() => {
      if (this.#deadline !== undefined) clock.clearTimeout(this.#deadline.timer);
      this.#deadline = undefined;
      this.#closing = undefined;
    });
    if (timeoutMs !== undefined) this.#closeWithin(timeoutMs);
    this.#closing = closing;
    actor.send(closeEvent());
    return closing;
  }

  /** Makes the close final: completes every stream; no timer of the pool is left. */
  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#closed = true;
    const { name, clock, engine, streams, batcher } = this.parts;
    if (this.#deadline !== undefined) clock.clearTimeout(this.#deadline.timer);
    this.#deadline = undefined;
    streams.complete();
    engine.refuse('pool-closed', `pool '${name}' is closed (close() is final: create a new pool)`);
    engine.events$.complete();
    engine.results$.complete();
    engine.deadLetters$.complete();
    batcher?.finish();
  }

  /**
   * Resolves once `condition` holds after some pool-actor step; for a resize, rejects if the
   * pool leaves `starting`/`running` first.
   */
  until(condition: () => boolean, operation: 'resize' | 'close'): Promise<void> {
    const { name, actor, streams } = this.parts;
    return new Promise<void>((resolve, reject) => {
      const check = (): boolean => {
        if (condition()) {
          resolve();
          return true;
        }
        const state = streams.state;
        if (operation === 'resize' && state !== 'starting' && state !== 'running') {
          reject(
            new PoolStateError(
              'resize',
              state,
              `pool '${name}' became ${state} before the resize completed`,
            ),
          );
          return true;
        }
        return false;
      };
      if (check()) return;
      const subscription = actor.subscribe(() => {
        if (check()) subscription.unsubscribe();
      });
    });
  }

  /**
   * What a close does to the queue before the pool machine hears of it: cancels what has not
   * started if asked, and ends a pause — a drain starts the queue again (a paused drain would
   * never end); an abort cancels it anyway, so nothing starts.
   */
  #closeQueue(abort: boolean, cancelQueued: boolean): void {
    const { engine, name } = this.parts;
    if (cancelQueued && !abort)
      engine.clear(new PoolClosedError(`pool '${name}' closed with cancelQueued`));
    engine.resume(!abort);
  }

  /** Arms the close deadline `timeoutMs` from now, unless one already falls earlier. */
  #closeWithin(timeoutMs: number): void {
    if (timeoutMs === Infinity) return;
    const { name, clock, actor } = this.parts;
    const at = clock.now() + timeoutMs;
    if (this.#deadline !== undefined) {
      if (this.#deadline.at <= at) return;
      clock.clearTimeout(this.#deadline.timer);
    }
    const timer = clock.setTimeout(() => {
      actor.send({
        type: 'pool.timeout',
        reason: new PoolClosedError(`pool '${name}' did not drain within ${timeoutMs} ms`),
      });
    }, timeoutMs);
    this.#deadline = { at, timer };
  }
}
