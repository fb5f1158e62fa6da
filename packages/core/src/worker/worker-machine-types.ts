/**
 * The worker machine's input, events and context: a leaf of the worker's modules (its machine
 * and its setup import it).
 */
import type { Clock } from '../time/clock.js';
import type { WorkerLogic } from './worker-logic.js';

/**
 * Where a worker's executor reports what happens to single runs (`WorkerSetupContext`): the
 * pool gives every worker the same one (no closure per worker that could hold on to the pool).
 */
export interface RunReporter {
  reportStrayAnswer(workerId: string, taskId: number | undefined, detail: string): void;
  /** Counts a dropped answer (the `late` metric). */
  countLate(): void;
  requeueRun(workerId: string, taskId: number): void;
  limitLanes(workerId: string, limit: number): void;
  giveBack(workerId: string, taskIds: readonly number[]): void;
}

/** What a worker actor is started with. */
export interface WorkerInput {
  readonly id: string;
  readonly logic: WorkerLogic<unknown, unknown, unknown>;
  readonly clock: Clock;
  /** `supervision.setupTimeoutMs`: how long `setup` may take (`Infinity`: no limit). */
  readonly setupTimeoutMs: number;
  /** Told when tearing down a resource whose setup finished past the limit fails. */
  readonly lateTeardownFailed: (error: unknown) => void;
  /** Told of stray answers and the like (none: they are dropped unreported). */
  readonly runs?: RunReporter;
}

/** Events a worker actor takes: lifecycle only; tasks themselves never pass through it. */
export type WorkerEvent =
  | { type: 'task.started' }
  /** Sent by the worker itself when its logic has no `setup`: there is nothing to wait for. */
  | { type: 'worker.set-up' }
  | { type: 'task.finished' }
  | { type: 'worker.stop' }
  | { type: 'worker.crash'; cause: unknown }
  | { type: 'worker.replace'; cause: unknown };

/** Events a worker actor sends its parent (the pool). */
export type WorkerParentEvent =
  | { type: 'worker.ready'; id: string; resource: unknown }
  | { type: 'worker.crashed'; id: string; cause: unknown }
  | { type: 'worker.replacing'; id: string; cause: unknown }
  | { type: 'worker.stopped'; id: string; teardownError?: unknown };

/** A worker actor's context. */
export interface WorkerContext {
  readonly id: string;
  readonly logic: WorkerLogic<unknown, unknown, unknown>;
  readonly clock: Clock;
  readonly setupTimeoutMs: number;
  readonly lateTeardownFailed: (error: unknown) => void;
  readonly runs: RunReporter | undefined;
  resource: unknown;
  /** `true` once setup returned: only then is there a resource to tear down. */
  hasResource: boolean;
  cause: unknown;
  stopRequested: boolean;
  teardownError: unknown;
}
