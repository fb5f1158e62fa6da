/**
 * `SourceGate`: where a pipeline's backpressure lands. It lets a source's items into the pipeline
 * while fewer than `bound` are inside, and reads the source only as room frees — truly for an
 * iterable or an async iterable (pulled one item at a time), as far as RxJS allows for an
 * Observable (it pushes and cannot be paused: what it pushes beyond the bound waits here).
 */
import { isObservable, Observable, type Subscriber, type Subscription } from 'rxjs';
import { FifoQueue } from '../queues/fifo-queue.js';

/** What a pipeline reads: an Observable (pushed), an iterable or an async iterable (pulled as room frees). */
export type PipelineSource<T> = Observable<T> | Iterable<T> | AsyncIterable<T>;

/** Whether `value` is something `SourceGate` can read. */
export function isPipelineSource(value: unknown): value is PipelineSource<unknown> {
  if (isObservable(value)) return true;
  if (typeof value !== 'object' || value === null) return false;
  return Symbol.iterator in value || Symbol.asyncIterator in value;
}

/** One subscription's door into the pipeline: `items$` for its first stage, `release()` when an item comes out. */
export class SourceGate<T> {
  /** The items let in, then completion once the source is done (a source error included). */
  readonly items$: Observable<T>;
  /** Set when the source failed: passed on by the pipeline once every item let in is out. */
  failure: { readonly error: unknown } | undefined;
  readonly #bound: number;
  #inside = 0;
  #out: Subscriber<T> | undefined;
  #ended = false;
  #stopped = false;
  #filling = false;
  /** Observable sources: what was pushed and not let in yet. */
  readonly #pushed = new FifoQueue<T>();
  #subscription: Subscription | undefined;
  #iterator: Iterator<T> | undefined;
  #asyncIterator: AsyncIterator<T> | undefined;
  #pulling = false;

  constructor(source: PipelineSource<T>, bound: number) {
    this.#bound = bound;
    this.items$ = new Observable<T>((subscriber) => {
      this.#out = subscriber;
      try {
        this.#open(source);
      } catch (error) {
        this.#fail(error); // an iterable whose iterator cannot be made
      }
      this.#fill();
      return () => this.#stop();
    });
  }

  /** Items let in and not yet out. */
  get inside(): number {
    return this.#inside;
  }

  /** An item came out of the pipeline: room for the next one. */
  release(): void {
    this.#inside--;
    this.#fill();
  }

  #open(source: PipelineSource<T>): void {
    if (isObservable(source)) {
      this.#subscription = source.subscribe({
        next: (item) => {
          this.#pushed.push(item);
          this.#fill();
        },
        error: (error: unknown) => this.#fail(error),
        complete: () => this.#end(),
      });
    } else if (Symbol.asyncIterator in source) {
      this.#asyncIterator = source[Symbol.asyncIterator]();
    } else {
      this.#iterator = source[Symbol.iterator]();
    }
  }

  /** Lets items in while there is room; completes `items$` once the source is done and all is in. */
  #fill(): void {
    if (this.#filling || this.#stopped || this.#out === undefined) return;
    this.#filling = true;
    const out = this.#out;
    try {
      while (this.#inside < this.#bound && !out.closed) {
        if (this.#pushed.size > 0) this.#let(this.#pushed.shift()!);
        else if (this.#iterator !== undefined && !this.#ended) this.#pullSync(this.#iterator);
        else break;
      }
      if (this.#asyncIterator !== undefined) this.#pullAsync(this.#asyncIterator);
      if (this.#ended && this.#pushed.size === 0 && !this.#pulling) out.complete();
    } finally {
      this.#filling = false;
    }
  }

  #pullSync(iterator: Iterator<T>): void {
    let next: IteratorResult<T>;
    try {
      next = iterator.next();
    } catch (error) {
      return this.#fail(error);
    }
    if (next.done === true) this.#end();
    else this.#let(next.value);
  }

  /** One `next()` at a time, asked only while there is room. */
  #pullAsync(iterator: AsyncIterator<T>): void {
    if (this.#pulling || this.#ended || this.#inside >= this.#bound) return;
    this.#pulling = true;
    let asked: Promise<IteratorResult<T>>;
    try {
      asked = Promise.resolve(iterator.next());
    } catch (error) {
      this.#pulling = false;
      return this.#fail(error);
    }
    asked.then(
      (next) => {
        this.#pulling = false;
        if (this.#stopped) return;
        if (next.done === true) return this.#end();
        this.#let(next.value);
        this.#fill();
      },
      (error: unknown) => {
        this.#pulling = false;
        if (!this.#stopped) this.#fail(error);
      },
    );
  }

  #let(item: T): void {
    this.#inside++;
    this.#out!.next(item);
  }

  #end(): void {
    this.#ended = true;
    this.#fill();
  }

  /** The source failed: it is done, and what it gave before still goes in (the error waits). */
  #fail(error: unknown): void {
    this.failure ??= { error };
    this.#end();
  }

  /** The pipeline's subscriber left: stop reading, and let an iterator run its `finally`. */
  #stop(): void {
    this.#stopped = true;
    this.#pushed.drain();
    this.#subscription?.unsubscribe();
    if (this.#ended) return;
    this.#ended = true;
    this.#iterator?.return?.();
    if (this.#asyncIterator?.return !== undefined) void this.#asyncIterator.return();
  }
}
