/**
 * The page's event log: crashes, restarts, scaling with its reasons, health transitions, state
 * changes. Bounded (a ring buffer); an entry that repeats the last one of its source is counted
 * on that entry instead of added, so a burst of refusals does not push everything else out.
 */
import type { Clock } from '@troupe/core';
import { RingBuffer } from './ring-buffer.js';

/** How much an entry matters, for its colour. */
export type LogLevel = 'info' | 'warn' | 'error';

/** One line of the log. */
export interface LogEntry {
  /** Increasing; a repeated entry keeps its id (its `count` goes up). */
  readonly id: number;
  /** Ms since the dashboard started. */
  readonly at: number;
  /** The actor it is about: a node id (`pool:images`). */
  readonly source: string;
  /** What happened, as a dotted name (`worker.crashed`, `health.changed`, `scale.up`). */
  readonly kind: string;
  /** What happened, for people. */
  readonly text: string;
  readonly level: LogLevel;
  /** How many times in a row it happened. */
  readonly count: number;
}

/** What a watcher tells the log. */
export interface LogLine {
  readonly source: string;
  readonly kind: string;
  readonly text: string;
  readonly level: LogLevel;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class EventLog {
  readonly #entries: RingBuffer<Mutable<LogEntry>>;
  readonly #started: number;
  #nextId = 1;

  constructor(
    size: number,
    private readonly clock: Clock,
    private readonly added: (entry: LogEntry) => void,
  ) {
    this.#entries = new RingBuffer(size);
    this.#started = clock.now();
  }

  add(line: LogLine): void {
    const at = this.clock.now() - this.#started;
    const last = this.#entries.last();
    if (
      last !== undefined &&
      last.source === line.source &&
      last.kind === line.kind &&
      last.text === line.text
    ) {
      last.count++;
      last.at = at;
      this.added({ ...last });
      return;
    }
    const entry = { id: this.#nextId++, at, ...line, count: 1 };
    this.#entries.push(entry);
    this.added({ ...entry });
  }

  /** The entries kept, oldest first. */
  list(): LogEntry[] {
    return this.#entries.toArray().map((entry) => ({ ...entry }));
  }
}
