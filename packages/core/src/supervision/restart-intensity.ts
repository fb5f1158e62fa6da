/**
 * OTP's restart intensity: at most `maxRestarts` restarts within any `withinMs` window.
 * Keeps only the restarts still inside the window, so its memory is bounded by `maxRestarts`.
 */
export class RestartIntensity {
  readonly #times: number[] = [];
  constructor(
    readonly maxRestarts: number,
    readonly withinMs: number,
  ) {}

  /** Restarts counted in the window ending at `now`. */
  count(now: number): number {
    this.#prune(now);
    return this.#times.length;
  }

  /** `true` when one more restart at `now` would exceed the limit. */
  exceeded(now: number): boolean {
    return this.count(now) >= this.maxRestarts;
  }

  /** Records a restart at `now`. */
  record(now: number): void {
    this.#prune(now);
    this.#times.push(now);
  }

  reset(): void {
    this.#times.length = 0;
  }

  #prune(now: number): void {
    // A restart exactly `withinMs` ago has left the window.
    while (this.#times.length > 0 && this.#times[0]! <= now - this.withinMs) this.#times.shift();
  }
}
