/**
 * Pools lost to a close through their own handle, from the moment the system actor counts them
 * lost until their replacement runs and the balancers over it are rebuilt — and whoever waits for
 * that (a pipeline's stage refused by the closed pool tries again on the replacement).
 */
export class Replacements {
  readonly #pending = new Map<string, { readonly done: Promise<void>; readonly end: () => void }>();
  #ended = false;

  /** The system actor's lost pools now: each new one is pending until `end(name)`. */
  follow(lost: readonly string[]): void {
    if (this.#ended) return;
    for (const name of lost) {
      if (this.#pending.has(name)) continue;
      let end!: () => void;
      const done = new Promise<void>((resolve) => (end = resolve));
      this.#pending.set(name, { done, end });
    }
  }

  /** Whether pool `name` is being replaced. */
  pending(name: string): boolean {
    return this.#pending.has(name);
  }

  /** Resolves once pool `name` is replaced (or will not be: the system closes); at once when it is not pending. */
  done(name: string): Promise<void> {
    return this.#pending.get(name)?.done ?? Promise.resolve();
  }

  /** The replacement of `name` is over (switched, or given up). */
  end(name: string): void {
    this.#pending.get(name)?.end();
    this.#pending.delete(name);
  }

  /** The system closes or fails: nothing more is replaced; every wait ends. */
  endAll(): void {
    this.#ended = true;
    for (const name of [...this.#pending.keys()]) this.end(name);
  }
}
