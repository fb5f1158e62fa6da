/** The pool's `queue` option: its kind, priority levels and aging, capacity and overflow. */
import { InvalidOptionError } from '../errors.js';
import { checkObject, checkPositive } from '../option-checks.js';
import type { AgingOptions } from './priority-queue.js';

/** What to do with a submit when the queue is full. */
export type OverflowPolicy = 'reject' | 'wait' | 'drop-oldest';

/** The pool's queue. */
export interface QueueOptions {
  /**
   * `'fifo'`: first in, first out. `'priority'`: integer priorities `0 … levels-1`, higher runs
   * first, FIFO within a level, with optional aging (see the scheduling guide).
   * @default 'fifo'
   */
  readonly kind?: 'fifo' | 'priority';
  /**
   * Number of priority levels (`kind: 'priority'` only); a task's `priority` is `0 … levels-1`.
   * @default 3
   */
  readonly levels?: number;
  /**
   * Aging (`kind: 'priority'` only): a waiting task's effective level rises one level every
   * `everyMs`, up to the top, so no task waits more than `(levels - 1) × everyMs` plus the
   * top-level tasks that arrived before it.
   * @default undefined (strict priority: low levels may starve under sustained high-level load)
   */
  readonly aging?: AgingOptions;
  /**
   * Most tasks the queue holds (running tasks not counted). `Infinity` for unbounded. `0`: no
   * queue at all — a task starts at once on a free worker or is refused (`TaskRejected`,
   * `queue-full`), as with `'drop-oldest'` too; under `'wait'` it waits for a free worker.
   * @default 10_000
   */
  readonly capacity?: number;
  /**
   * When the queue is full: `'reject'` refuses the submit (`TaskRejected`, `queue-full`);
   * `'wait'` makes `submit` wait for room (backpressure); `'drop-oldest'` evicts the oldest
   * queued task (it gets `TaskRejected`, `queue-full`) to make room.
   * @default 'reject'
   */
  readonly overflow?: OverflowPolicy;
}

/** A priority queue's levels and aging, after validation. */
export interface PriorityConfig {
  readonly levels: number;
  readonly aging: AgingOptions | undefined;
}

/** `queue` after validation and defaults. */
export interface QueueConfig {
  readonly capacity: number;
  readonly overflow: OverflowPolicy;
  /** `undefined` for a FIFO queue. */
  readonly priority: PriorityConfig | undefined;
}

const OVERFLOWS: readonly OverflowPolicy[] = ['reject', 'wait', 'drop-oldest'];

/** Most priority levels a queue may have (each `shift` looks at every level's head). */
const MAX_LEVELS = 256;

/** Validates `queue` and applies its defaults; throws `InvalidOptionError` naming the field. */
export function resolveQueue(queue: QueueOptions | undefined): QueueConfig {
  checkObject('queue', queue, ['kind', 'levels', 'aging', 'capacity', 'overflow']);
  const capacity = queue?.capacity ?? 10_000;
  if (
    typeof capacity !== 'number' ||
    !(capacity === Infinity || (Number.isInteger(capacity) && capacity >= 0))
  ) {
    throw new InvalidOptionError('queue.capacity', capacity, 'a whole number >= 0, or Infinity');
  }
  const overflow = queue?.overflow ?? 'reject';
  if (!OVERFLOWS.includes(overflow)) {
    throw new InvalidOptionError(
      'queue.overflow',
      overflow,
      OVERFLOWS.map((o) => `'${o}'`).join(' | '),
    );
  }
  return { capacity, overflow, priority: resolvePriority(queue) };
}

/** `queue.kind`, `queue.levels` and `queue.aging`: a priority queue's shape, or none. */
function resolvePriority(queue: QueueOptions | undefined): PriorityConfig | undefined {
  const kind = queue?.kind ?? 'fifo';
  if (kind !== 'fifo' && kind !== 'priority') {
    throw new InvalidOptionError('queue.kind', kind, "'fifo' | 'priority'");
  }
  if (kind === 'fifo') {
    for (const option of ['levels', 'aging'] as const) {
      if (queue?.[option] !== undefined) {
        throw new InvalidOptionError(
          `queue.${option}`,
          queue[option],
          "nothing unless queue.kind is 'priority'",
        );
      }
    }
    return undefined;
  }
  const levels = queue?.levels ?? 3;
  if (
    typeof levels !== 'number' ||
    !Number.isInteger(levels) ||
    levels < 1 ||
    levels > MAX_LEVELS
  ) {
    throw new InvalidOptionError('queue.levels', levels, `a whole number from 1 to ${MAX_LEVELS}`);
  }
  const aging = queue?.aging;
  if (aging === undefined) return { levels, aging: undefined };
  checkObject('queue.aging', aging, ['everyMs']);
  return { levels, aging: { everyMs: checkPositive('queue.aging.everyMs', aging.everyMs, false) } };
}
