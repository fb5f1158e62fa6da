/**
 * A bounded list: once full, each push drops the oldest item. What keeps the dashboard's
 * history and event log from growing with time.
 */
export class RingBuffer<T> {
  readonly #items: (T | undefined)[];
  #start = 0;
  #length = 0;

  constructor(readonly capacity: number) {
    this.#items = new Array<T | undefined>(capacity);
  }

  get length(): number {
    return this.#length;
  }

  /** Adds `item` last; returns the item it pushed out, if the buffer was full. */
  push(item: T): T | undefined {
    const capacity = this.capacity;
    if (this.#length < capacity) {
      this.#items[(this.#start + this.#length) % capacity] = item;
      this.#length++;
      return undefined;
    }
    const dropped = this.#items[this.#start];
    this.#items[this.#start] = item;
    this.#start = (this.#start + 1) % capacity;
    return dropped;
  }

  /** The newest item, if any. */
  last(): T | undefined {
    return this.#length === 0
      ? undefined
      : this.#items[(this.#start + this.#length - 1) % this.capacity];
  }

  /** The items, oldest first. */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.#length; i++)
      out.push(this.#items[(this.#start + i) % this.capacity]!);
    return out;
  }
}
