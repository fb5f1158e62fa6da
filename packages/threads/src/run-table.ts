/**
 * The runs a thread has in flight, by id. A run's id is its index in the table (small integers,
 * reused once a run's answer is in, so the table is an array as long as the most runs ever in
 * flight at once — a thread's `concurrency` — with no hashing and no growth per run, as a Map
 * would cost on the hot path) plus a generation above it, one more each time the index is
 * given out again. So an answer that comes twice, or late, names an id no run has any more and
 * is dropped, instead of settling the run that took its index since.
 */
import { INDEX_MASK } from './protocol-constants.mjs';

export class RunTable<T extends { readonly taskId: number }> {
  #runs: (T | undefined)[] = [];
  /** The id each index was last given (its run's, while one is in the table). */
  #ids: number[] = [];
  /** The id and task of each index's last run that was taken out: whose a late answer was. */
  #takenIds: number[] = [];
  #takenTasks: number[] = [];
  #free: number[] = [];
  #size = 0;

  /** Runs in the table. */
  get size(): number {
    return this.#size;
  }

  /** An id no run in the table has, nor had since its index was last given out: give it to the next `put`. */
  freeId(): number {
    const free = this.#free;
    if (free.length === 0) {
      const index = this.#runs.length;
      // Runs in flight are bounded by `concurrency` (at most 1024): never reached.
      if (index > INDEX_MASK) throw new Error(`more than ${INDEX_MASK + 1} runs in flight`);
      return index;
    }
    const index = free[free.length - 1]!;
    return (this.#ids[index]! + GENERATION) % WRAP;
  }

  /** Adds `run` under `id`, which `freeId` just gave. */
  put(id: number, run: T): void {
    const index = id & INDEX_MASK;
    if (index === this.#runs.length) this.#runs.push(run);
    else {
      this.#free.pop();
      this.#runs[index] = run;
    }
    this.#ids[index] = id;
    this.#size++;
  }

  /** The run under `id`, if it is still in the table. */
  get(id: number): T | undefined {
    const index = id & INDEX_MASK;
    return this.#ids[index] === id ? this.#runs[index] : undefined;
  }

  /** Removes the run under `id` (its index may be given out again); returns it. */
  take(id: number): T | undefined {
    const index = id & INDEX_MASK;
    const run = this.#runs[index];
    if (run === undefined || this.#ids[index] !== id) return undefined;
    this.#runs[index] = undefined;
    this.#takenIds[index] = id;
    this.#takenTasks[index] = run.taskId;
    this.#free.push(index);
    this.#size--;
    return run;
  }

  /**
   * The task whose run had `id`, if that run was the last one taken out under its index: for
   * the report of an answer that came again. `undefined` for any other id.
   */
  takenTask(id: number): number | undefined {
    const index = id & INDEX_MASK;
    return this.#takenIds[index] === id ? this.#takenTasks[index] : undefined;
  }

  /** The runs in the table (a copy). */
  values(): T[] {
    return this.#runs.filter((run): run is T => run !== undefined);
  }

  /** Removes every run; returns them. */
  clear(): T[] {
    const runs = this.#runs.filter((run): run is T => run !== undefined);
    this.#runs = [];
    this.#ids = [];
    this.#takenIds = [];
    this.#takenTasks = [];
    this.#free = [];
    this.#size = 0;
    return runs;
  }
}

/** The low bits of an id: its index in the table (see `protocol-constants.mjs`). */
export { INDEX_MASK };
/** One generation more. */
const GENERATION = INDEX_MASK + 1;
/**
 * Ids stay below this, small integers (a generation wraps to 0 after about a million reuses of
 * one index; an answer would have to come that late to be taken for another run's).
 */
const WRAP = 2 ** 30;
