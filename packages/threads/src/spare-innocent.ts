import type { WorkerSetupContext } from '@troupe/core';
import type { PendingRun } from './pending-run.js';
import { RUNNING_NOW } from './protocol.js';
import { wasStarted } from './run-slots.mjs';
import type { RunTable } from './run-table.js';

/**
 * Tells the pool which runs in flight are innocent of their thread's end, before it hears of
 * the end (they go back to the front of its queue, nothing counted; the thread is terminated,
 * so none of them runs on). `culprit`: the run known to cause it (a timeout, a cancellation);
 * otherwise the one whose synchronous part the thread was in when it died (`process.exit`, a
 * loop that ran out of memory), if any. Runs the thread had not started are innocent; runs it
 * had started are innocent beside a culprit, and charged when there is none (the thread died
 * in async code — a timer's uncaught exception, an unhandled rejection — where any of them
 * may be to blame: sparing them all would let a poison task crash thread after thread
 * without ever reaching quarantine).
 */
export function spareInnocent(
  runs: RunTable<PendingRun>,
  wake: Int32Array,
  culprit: PendingRun | undefined,
  setup: Pick<WorkerSetupContext, 'requeue'>,
): void {
  let blamed = culprit;
  if (blamed === undefined) {
    const now = wake[RUNNING_NOW]!;
    if (now >= 0) blamed = runs.get(now);
  }
  for (const run of runs.values()) {
    if (run === blamed) continue;
    if (!wasStarted(wake, run.id) || blamed !== undefined) setup.requeue(run.taskId);
  }
}
