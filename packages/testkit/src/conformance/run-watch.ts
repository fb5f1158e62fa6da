/** One run of a task on a worker, from its start until it answers, is aborted or its task settles. */
interface Run {
  readonly taskId: number;
  readonly workerId: string;
  live: boolean;
}

/**
 * Concurrency: how many workers are busy at once, checked at every start against the size.
 * A run counts until it answers, its signal aborts (the pool gave it up: a timeout, a cancel)
 * or its task settles (a run the pool left behind runs on, but not on the pool's account).
 *
 * A shrink lets busy workers finish their task before they go: the workers busy when a resize
 * came may run on over the new size, each until that run ends (a worker that starts another
 * task was not one that retires).
 */
export class RunWatch {
  readonly #runs = new Set<Run>();
  /** Workers busy at the last resize, with the run they had then. */
  readonly #retiring = new Map<string, Run>();
  /** The most that were busy at once. */
  peak = 0;

  /** A run starts: returns its end, and a problem when more workers are busy than allowed. */
  start(taskId: number, workerId: string, size: number): { end: () => void; problem?: string } {
    this.#retiring.delete(workerId);
    const run: Run = { taskId, workerId, live: true };
    this.#runs.add(run);
    const busy = this.busyWorkers();
    this.peak = Math.max(this.peak, busy.size);
    let retiring = 0;
    for (const r of this.#retiring.values()) if (r.live) retiring++;
    const end = (): void => {
      if (!run.live) return;
      run.live = false;
      this.#runs.delete(run);
    };
    if (busy.size <= size + retiring) return { end };
    const also = retiring > 0 ? ` (and ${retiring} finishing their last task after a shrink)` : '';
    return {
      end,
      problem: `task ${taskId} started on ${workerId} while ${busy.size} workers were busy (${[...busy].join(', ')}): more than the size ${size}${also}`,
    };
  }

  /** A task settled: its runs no longer count. */
  settled(taskId: number): void {
    for (const run of this.#runs) {
      if (run.taskId !== taskId) continue;
      run.live = false;
      this.#runs.delete(run);
    }
  }

  /** A resize was asked: the workers busy now may finish their task over the new size. */
  resized(): void {
    for (const run of this.#runs) this.#retiring.set(run.workerId, run);
  }

  busyWorkers(): Set<string> {
    return new Set([...this.#runs].map((r) => r.workerId));
  }
}
