/**
 * @troupe/core — worker pools as XState actors, with RxJS streams and fp-ts results.
 */
export { createPool } from './create-pool.js';
export type { CloseOptions, Pool, PoolSnapshot } from './create-pool.js';
export type { SubmitOptions, WorkerSnapshot } from './dispatcher.js';
export type { MetricsOptions, OverflowPolicy, PoolOptions, QueueOptions } from './options.js';
export type { PoolEvent, PoolState, TaskOutcome } from './pool-events.js';
export type { PoolMetrics } from './metrics.js';

export { poolMachine, PoolFailedError } from './pool-machine.js';
export type { PoolMachineEvent, PoolMachineInput, RestartLimit } from './pool-machine.js';
export { workerMachine } from './worker-machine.js';
export type { WorkerEvent, WorkerInput, WorkerParentEvent, WorkerState } from './worker-machine.js';

export { fromAsync } from './from-async.js';
export type { AsyncWorkerDefinition } from './from-async.js';
export { isWorkerLogic } from './worker-logic.js';
export type {
  TaskContext,
  WorkerLogic,
  WorkerSetupContext,
  WorkerSpec,
  WorkerTeardownContext,
} from './worker-logic.js';

export {
  InvalidOptionError,
  PoolClosedError,
  PoolStateError,
  TaskCancelled,
  TaskFailed,
  TaskRejected,
  TaskTimedOut,
  WorkerCrashed,
  WorkerCrashedError,
} from './errors.js';
export type { RejectReason, TaskError } from './errors.js';
export { err, isErr, isOk, ok, unwrap } from './result.js';
export type { Either, Left, Right, TaskResult } from './result.js';

export { createVirtualClock, systemClock } from './clock.js';
export type { Clock, TimerHandle, VirtualClock } from './clock.js';
export { Histogram } from './histogram.js';
export type { Percentiles } from './histogram.js';
export { FifoQueue } from './fifo-queue.js';
export type { TaskQueue } from './task-queue.js';
