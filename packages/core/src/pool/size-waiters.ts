/**
 * Callers waiting for the number of tasks not yet started to fall below a bound
 * (`onSizeLessThan`, `onEmpty`). `limit` is the largest bound waited for (0 when nobody waits),
 * so the hot path asks one comparison — `size < limit` — before calling `check`.
 */
export class SizeWaiters {
  /** The largest bound waited for: a size below it may release someone; 0 when nobody waits. */
  limit = 0;
  #waiters: { readonly below: number; readonly resolve: () => void }[] = [];

  /** Resolves once the size is below `below` (at once when it already is). */
  wait(below: number, size: number): Promise<void> {
    if (size < below) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.#waiters.push({ below, resolve });
      if (below > this.limit) this.limit = below;
    });
  }

  /** The size is now `size`: releases every waiter whose bound it is below. */
  check(size: number): void {
    let limit = 0;
    const keep: { readonly below: number; readonly resolve: () => void }[] = [];
    for (const waiter of this.#waiters) {
      if (size < waiter.below) waiter.resolve();
      else {
        keep.push(waiter);
        if (waiter.below > limit) limit = waiter.below;
      }
    }
    this.#waiters = keep;
    this.limit = limit;
  }
}
