import type { Clock } from '../time/clock.js';
import type { TaskQueue } from './task-queue.js';

/** How priority levels age. */
export interface AgingOptions {
  /** A waiting item rises one level every `everyMs`, up to the top level. */
  readonly everyMs: number;
}

interface Entry<T> {
  readonly item: T;
  /** Arrival order: smaller is older. */
  readonly seq: number;
  /** Clock time it was queued. */
  readonly at: number;
  readonly level: number;
  /** `true` when it can be found by key (for `setLevel`, `get`, `remove`). */
  readonly tracked: boolean;
  /** `true` when it sits in its level's heap of re-levelled entries, not in the arrival list. */
  readonly moved: boolean;
  live: boolean;
}

/** Compaction threshold: a level is rebuilt once it holds more removed entries than this and than live ones. */
const COMPACT_AFTER = 64;

/**
 * The entries of one base level, oldest first: an arrival-ordered array (new items are always
 * the newest, so a push appends) plus a min-heap by arrival of items moved in from another
 * level (`setLevel`), which keep their original arrival. Removal is lazy: an entry is marked
 * dead and skipped when it reaches the front; the level is rebuilt once the dead outnumber the
 * live, so removal costs O(1) amortised and memory stays proportional to the live items.
 */
class Level<T> {
  list: Entry<T>[] = [];
  offset = 0;
  moved: Entry<T>[] = [];
  live = 0;
  dead = 0;

  add(entry: Entry<T>): void {
    this.live++;
    if (!entry.moved) {
      this.list.push(entry);
      return;
    }
    const heap = this.moved;
    let i = heap.length;
    heap.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.seq <= entry.seq) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = entry;
  }

  /** The oldest live entry. */
  head(): Entry<T> | undefined {
    const list = this.list;
    while (this.offset < list.length && !list[this.offset]!.live) {
      this.offset++;
      this.dead--;
    }
    if (this.offset > 1024 && this.offset * 2 > list.length) {
      list.splice(0, this.offset);
      this.offset = 0;
    }
    while (this.moved.length > 0 && !this.moved[0]!.live) {
      this.#popMoved();
      this.dead--;
    }
    const a = list[this.offset];
    const b = this.moved[0];
    if (a === undefined) return b;
    if (b === undefined) return a;
    return a.seq < b.seq ? a : b;
  }

  /** Takes `entry`, which must be the current head. */
  take(entry: Entry<T>): void {
    entry.live = false;
    this.live--;
    if (entry.moved) this.#popMoved();
    else this.offset++;
  }

  /** Marks a live entry removed. */
  kill(entry: Entry<T>): void {
    entry.live = false;
    this.live--;
    this.dead++;
    if (this.dead > COMPACT_AFTER && this.dead > this.live) this.#compact();
  }

  #compact(): void {
    this.list = this.list.slice(this.offset).filter((entry) => entry.live);
    this.offset = 0;
    // A heap filtered and sorted by arrival is still a heap.
    this.moved = this.moved.filter((entry) => entry.live).sort((a, b) => a.seq - b.seq);
    this.dead = 0;
  }

  #popMoved(): void {
    const heap = this.moved;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && heap[right]!.seq < heap[left]!.seq ? right : left;
      if (heap[child]!.seq >= last.seq) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
  }
}

/**
 * A priority queue with aging: levels `0 … levels-1`, higher runs first; a waiting item's
 * effective level rises by one every `everyMs`, up to the top. The next item is the one with
 * the highest effective level, the oldest among equals.
 *
 * Each base level keeps its items oldest first, and an older item of a level has aged at
 * least as far as a newer one, so the next item is always one of the level heads: `shift`
 * costs O(levels + log n), `push` O(1), `setLevel` O(log n), `remove` O(1) amortised. Aging
 * itself is arithmetic on the arrival time, never a scan. A promoted item is never moved to
 * the tail of a higher level, so once it has aged to a level it runs before every item of that
 * level that arrived after it: it waits at most `(levels - 1) × everyMs` plus the time to
 * start the top-level items that arrived before it.
 */
export class PriorityQueue<T> implements TaskQueue<T> {
  readonly #levels: Level<T>[];
  /** The tracked items' entries, by key. */
  readonly #entries = new Map<number, Entry<T>>();
  #seq = 0;
  /** Items put at the head of their level so far (`unshift`). */
  #front = 0;
  #size = 0;

  /**
   * @param levelOf an item's base level (an integer in `0 … levels-1`, checked by the caller)
   * @param keyOf an item's unique key, for `setLevel`, `get` and `remove`
   * @param tracked whether an item may be looked up by key later (others cost no map entry);
   *   all items by default
   */
  constructor(
    readonly levels: number,
    readonly aging: AgingOptions | undefined,
    private readonly clock: Clock,
    private readonly levelOf: (item: T) => number,
    private readonly keyOf: (item: T) => number,
    private readonly tracked: (item: T) => boolean = () => true,
  ) {
    this.#levels = Array.from({ length: levels }, () => new Level<T>());
  }

  get size(): number {
    return this.#size;
  }

  /** Live items per base level, lowest level first. */
  sizes(): number[] {
    return this.#levels.map((level) => level.live);
  }

  push(item: T): void {
    // Without aging the arrival time is never read: no clock call.
    const at = this.aging === undefined ? 0 : this.clock.now();
    this.#insert(item, this.levelOf(item), ++this.#seq, at, false, this.tracked(item));
  }

  /** Adds an item at the head of its level: before every item of the level queued so far. */
  unshift(item: T): void {
    const at = this.aging === undefined ? 0 : this.clock.now();
    // Arrival numbers below every other one, the latest lowest: kept in the level's heap.
    this.#insert(item, this.levelOf(item), -++this.#front, at, true, this.tracked(item));
  }

  /** Moves a queued item to another base level, keeping its arrival; `false` if it is not queued. */
  setLevel(key: number, level: number): boolean {
    const entry = this.#entries.get(key);
    if (entry === undefined) return false;
    if (entry.level === level) return true;
    this.#levels[entry.level]!.kill(entry);
    this.#size--;
    this.#insert(entry.item, level, entry.seq, entry.at, true, true);
    return true;
  }

  /** The queued item with this key. */
  get(key: number): T | undefined {
    return this.#entries.get(key)?.item;
  }

  /** The item's effective level now (its base level plus aging), or -1 if it is not queued. */
  effectiveLevel(key: number): number {
    const entry = this.#entries.get(key);
    return entry === undefined ? -1 : this.#effective(entry, this.clock.now());
  }

  shift(): T | undefined {
    const best = this.#best();
    if (best === undefined) return undefined;
    this.#take(best);
    return best.item;
  }

  peek(): T | undefined {
    return this.#best()?.item;
  }

  /** Removes a queued item (a cancelled task); `false` if it is not queued. */
  remove(key: number): boolean {
    const entry = this.#entries.get(key);
    if (entry === undefined) return false;
    this.#entries.delete(key);
    this.#size--;
    this.#levels[entry.level]!.kill(entry);
    return true;
  }

  /** Removes and returns the oldest item of the lowest non-empty base level: the least urgent. */
  evict(): T | undefined {
    for (const level of this.#levels) {
      const head = level.live > 0 ? level.head() : undefined;
      if (head !== undefined) {
        this.#take(head);
        return head.item;
      }
    }
    return undefined;
  }

  drain(): T[] {
    const items: T[] = [];
    for (let item = this.shift(); item !== undefined; item = this.shift()) items.push(item);
    return items;
  }

  #insert(item: T, level: number, seq: number, at: number, moved: boolean, tracked: boolean): void {
    const entry: Entry<T> = { item, seq, at, level, tracked, moved, live: true };
    if (tracked) this.#entries.set(this.keyOf(item), entry);
    this.#size++;
    this.#levels[level]!.add(entry);
  }

  #effective(entry: Entry<T>, now: number): number {
    if (this.aging === undefined) return entry.level;
    const aged = entry.level + Math.floor((now - entry.at) / this.aging.everyMs);
    return aged < this.levels - 1 ? aged : this.levels - 1;
  }

  #best(): Entry<T> | undefined {
    const now = this.aging === undefined ? 0 : this.clock.now();
    let best: Entry<T> | undefined;
    let bestLevel = -1;
    for (let index = this.levels - 1; index >= 0; index--) {
      const level = this.#levels[index]!;
      if (level.live === 0) continue;
      const head = level.head()!;
      const effective = this.#effective(head, now);
      if (effective > bestLevel || (effective === bestLevel && head.seq < best!.seq)) {
        best = head;
        bestLevel = effective;
      }
      // Nothing below can beat the top level without aging.
      if (this.aging === undefined) break;
    }
    return best;
  }

  #take(entry: Entry<T>): void {
    if (entry.tracked) this.#entries.delete(this.keyOf(entry.item));
    this.#size--;
    this.#levels[entry.level]!.take(entry);
  }
}
