import type { WorkerSetupContext } from '@troupe/core';
import type { PendingRun } from './pending-run.js';
import { ERROR, OK, RESULT_SLOTS, fromWire, type WireError } from './protocol.js';
import type { RunTable } from './run-table.js';

/**
 * Settles the runs a message of answers from thread `threadId` names (`[id, kind, value, …]`,
 * see `thread-runtime.mjs`), each taken out of `runs`. An answer for no run in flight (the thread
 * answered a run twice, or one it was never sent) is dropped — it must not settle the run that
 * has its index now — and told to the pool (`strayAnswer`).
 */
export function settleAnswers(
  batch: unknown[],
  runs: RunTable<PendingRun>,
  threadId: number,
  setup: Pick<WorkerSetupContext, 'strayAnswer'>,
): void {
  for (let i = 0; i < batch.length; i += RESULT_SLOTS) {
    const id = batch[i] as number;
    const run = runs.take(id);
    if (run === undefined) {
      stray(id, runs, threadId, setup);
      continue;
    }
    const kind = batch[i + 1];
    const value = batch[i + 2];
    if (kind === OK) run.resolve(value);
    else run.reject(kind === ERROR ? fromWire(value as WireError) : value);
  }
}

function stray(
  id: unknown,
  runs: RunTable<PendingRun>,
  threadId: number,
  setup: Pick<WorkerSetupContext, 'strayAnswer'>,
): void {
  const taskId = typeof id === 'number' ? runs.takenTask(id) : undefined;
  const detail =
    taskId === undefined
      ? `worker thread ${threadId} answered a run it was not running (id ${String(id)}): the answer was dropped`
      : `worker thread ${threadId} answered task ${taskId} again, after its run was settled: the answer was dropped`;
  setup.strayAnswer(taskId, detail);
}
