/**
 * What a pool needs of its queue. The pool owns admission (capacity, overflow policy, lazily
 * removed cancelled tasks); the queue owns order. `FifoQueue` is the default; a priority
 * queue plugs in behind the same members.
 */
export interface TaskQueue<T> {
  readonly size: number;
  push(item: T): void;
  /** Removes and returns the next item to run. */
  shift(): T | undefined;
  /** The item `shift` would return. */
  peek(): T | undefined;
  /** Removes and returns every item, in run order. */
  drain(): T[];
}
