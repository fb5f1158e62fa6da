import { InvalidOptionError } from '../errors.js';
import { fromAsync } from '../executors/from-async.js';
import { isWorkerLogic, type WorkerLogic, type WorkerSpec } from './worker-logic.js';

/**
 * The pool's `worker` option as worker logic: an (async) function becomes `fromAsync` logic;
 * logic is taken as it is, once its `concurrency` is checked.
 */
export function resolveWorker<TInput, TOutput, TResource>(
  worker: WorkerSpec<TInput, TOutput, TResource>,
): WorkerLogic<TInput, TOutput, unknown> {
  let logic: WorkerLogic<TInput, TOutput, unknown>;
  if (typeof worker === 'function')
    logic = fromAsync({ run: worker }) as WorkerLogic<TInput, TOutput, unknown>;
  else if (isWorkerLogic(worker)) logic = worker as WorkerLogic<TInput, TOutput, unknown>;
  else
    throw new InvalidOptionError(
      'worker',
      worker,
      'an (async) function, or worker logic from fromAsync() or another executor',
    );
  const lanes = logic.concurrency;
  if (lanes !== undefined && !(Number.isInteger(lanes) && lanes >= 1 && lanes <= 1_024)) {
    throw new InvalidOptionError(
      'worker.concurrency',
      lanes,
      'a whole number from 1 to 1024 (tasks one worker runs at once)',
    );
  }
  return logic;
}
