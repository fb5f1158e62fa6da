/**
 * The runs a thread has in flight, by id. Ids are small integers, reused once a run's answer is
 * in (the thread answers each run once, and never after that), so the table is an array as
 * long as the most runs ever in flight at once (a thread's `concurrency`): no hashing and no
 * growth per run, as a Map would cost on the hot path.
 */
export class RunTable<T> {
  #runs: (T | undefined)[] = [];
  #free: number[] = [];
  #size = 0;

  /** Runs in the table. */
  get size(): number {
    return this.#size;
  }

  /** An id no run in the table has: give it to the next `put`. */
  freeId(): number {
    const free = this.#free;
    return free.length > 0 ? free[free.length - 1]! : this.#runs.length;
  }

  /** Adds `run` under `id`, which `freeId` just gave. */
  put(id: number, run: T): void {
    if (id === this.#runs.length) this.#runs.push(run);
    else {
      this.#free.pop();
      this.#runs[id] = run;
    }
    this.#size++;
  }

  get(id: number): T | undefined {
    return this.#runs[id];
  }

  /** Removes the run under `id` (its id may be given out again); returns it. */
  take(id: number): T | undefined {
    const run = this.#runs[id];
    if (run === undefined) return undefined;
    this.#runs[id] = undefined;
    this.#free.push(id);
    this.#size--;
    return run;
  }

  /** Removes every run; returns them. */
  clear(): T[] {
    const runs = this.#runs.filter((run): run is T => run !== undefined);
    this.#runs = [];
    this.#free = [];
    this.#size = 0;
    return runs;
  }
}
