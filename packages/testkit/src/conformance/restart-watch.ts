import type { PoolEvent } from '@troupe/core';

/**
 * Restart intensity, seen from `events$`: the supervisor's decisions to restart after a crash,
 * at most `maxRestarts` within any `withinMs`; and a pool that gave up for its restart limit
 * must have used them all. A decision shows as `worker.restarting` for the seat of a worker that
 * crashed (siblings restarted with it, under `one-for-all` or `rest-for-one`, are the same
 * decision). Each start begins a fresh count, as it begins a fresh supervisor.
 */
export class RestartWatch {
  /** Times of the decisions since the last start. */
  readonly decisions: number[] = [];
  /** Seats whose worker crashed and that no decision has restarted yet. */
  readonly #crashedSeats = new Map<string, number>();
  /** A worker's seat: restarted workers are told with their seat (`worker.restarted`). */
  readonly #seats = new Map<string, string>();

  constructor(
    readonly maxRestarts: number,
    readonly withinMs: number,
    /** Under `'temporary'` nothing restarts: a pool fails when its last worker goes. */
    readonly restarts: boolean,
  ) {}

  started(): void {
    this.decisions.length = 0;
    this.#crashedSeats.clear();
  }

  /** Takes one event; returns a problem when the limits were broken. */
  see(event: PoolEvent, now: number): string | undefined {
    switch (event.type) {
      case 'worker.restarted':
        this.#seats.set(event.workerId, event.seat);
        return undefined;
      case 'worker.crashed': {
        const seat = this.#seats.get(event.workerId) ?? event.workerId;
        this.#crashedSeats.set(seat, (this.#crashedSeats.get(seat) ?? 0) + 1);
        return undefined;
      }
      case 'worker.restarting': {
        const pending = this.#crashedSeats.get(event.workerId) ?? 0;
        if (pending === 0) return undefined;
        this.#crashedSeats.set(event.workerId, pending - 1);
        this.decisions.push(now);
        const recent = this.recent(now);
        return recent <= this.maxRestarts
          ? undefined
          : `${recent} restarts within ${this.withinMs} ms (the last of ${event.workerId} at ${now} ms): more than maxRestarts ${this.maxRestarts}`;
      }
      case 'pool.failed': {
        if (!this.restarts) return undefined;
        const recent = this.recent(now);
        return recent >= this.maxRestarts
          ? undefined
          : `the pool gave up for its restart limit after ${recent} restarts within ${this.withinMs} ms: fewer than maxRestarts ${this.maxRestarts}`;
      }
      default:
        return undefined;
    }
  }

  /** Decisions within `withinMs` up to `now`. */
  recent(now: number): number {
    return this.decisions.filter((t) => t > now - this.withinMs).length;
  }
}
