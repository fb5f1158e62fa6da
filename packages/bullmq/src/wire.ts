/**
 * What crosses Redis between a producer (`fromBullmq`) and its consumers (`serveBullmq`), in
 * one place. A job is BullMQ's own: its `data` is the task's input, its return value the task's
 * output (JSON both ways; `undefined` arrives as `null`). A task that ends without a value fails
 * its job with a `failedReason` that is the `TaskError` as JSON ({@link encodeTaskError}), so the
 * producer settles it with the same tag and the cause's name and message. Cancellations and
 * metrics travel on two Pub/Sub channels of the queue ({@link channelOf}).
 */
import {
  TaskCancelled,
  TaskFailed,
  TaskRejected,
  TaskTimedOut,
  WorkerCrashed,
  type RejectReason,
  type TaskError,
} from '@troupe/core';
import { JobStalledError, RemoteError } from './errors.js';

/** The name every job of a Troupe queue is added under (BullMQ's `job.name`). */
export const JOB_NAME = 'troupe';

/** BullMQ's `failedReason` for a job that stalled past `maxStalledCount`. */
const STALLED = /stalled more than allowable limit/;

/** The Pub/Sub channel of a queue for `kind`: `<prefix>:<queue>:troupe:<kind>`. */
export function channelOf(prefix: string, queue: string, kind: 'cancel' | 'metrics'): string {
  return `${prefix}:${queue}:troupe:${kind}`;
}

/** A cancellation on the wire: which job, and why (as text). */
export interface CancelMessage {
  readonly jobId: string;
  readonly reason: string;
}

/** A `TaskError` as it crosses the wire (`failedReason` is this as JSON). */
interface WireError {
  readonly troupe: 1;
  readonly tag: TaskError['_tag'];
  readonly message: string;
  readonly cause?: { readonly name: string; readonly message: string };
  readonly reason?: RejectReason;
  readonly timeoutMs?: number;
  readonly workerId?: string;
}

/** A task's error as the text a failed job keeps (`failedReason`): JSON, readable in any dashboard. */
export function encodeTaskError(error: TaskError): string {
  const wire: WireError = {
    troupe: 1,
    tag: error._tag,
    message: safeText(() => error.message),
    ...(error._tag === 'TaskRejected' ? { reason: error.reason } : { cause: causeOf(error.cause) }),
    ...(error._tag === 'TaskTimedOut' ? { timeoutMs: error.timeoutMs } : {}),
    ...(error._tag === 'WorkerCrashed' ? { workerId: error.workerId } : {}),
  };
  return JSON.stringify(wire);
}

/**
 * The `TaskError` a failed job stands for, for the producer's task `taskId`: the one its
 * consumer encoded, or for BullMQ's own reasons a `WorkerCrashed` (stalled too often) or a
 * `TaskFailed` whose cause holds the reason.
 */
export function decodeFailure(failedReason: string, jobId: string, taskId: number): TaskError {
  const wire = parseWire(failedReason);
  if (wire === undefined) {
    if (STALLED.test(failedReason))
      return new WorkerCrashed(new JobStalledError(jobId, failedReason), 'bullmq', taskId);
    return new TaskFailed(new RemoteError('Error', failedReason), taskId);
  }
  const cause = new RemoteError(wire.cause?.name ?? 'Error', wire.cause?.message ?? wire.message);
  switch (wire.tag) {
    case 'TaskTimedOut':
      return new TaskTimedOut(wire.timeoutMs ?? 0, taskId);
    case 'TaskCancelled':
      return new TaskCancelled(cause, taskId);
    case 'TaskRejected':
      return new TaskRejected(wire.reason ?? 'invalid-input', wire.message, taskId);
    case 'WorkerCrashed':
      return new WorkerCrashed(cause, wire.workerId ?? 'remote', taskId);
    default:
      return new TaskFailed(cause, taskId);
  }
}

function parseWire(text: string): WireError | undefined {
  if (!text.startsWith('{"troupe":1')) return undefined;
  try {
    const wire = JSON.parse(text) as Partial<WireError>;
    return typeof wire.tag === 'string' && typeof wire.message === 'string'
      ? (wire as WireError)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A cause as name and message, whatever it is (a thrown string, an object, a hostile Proxy). */
function causeOf(cause: unknown): { name: string; message: string } {
  if (cause instanceof Error)
    return { name: safeText(() => cause.name), message: safeText(() => cause.message) };
  if (typeof cause === 'string') return { name: 'string', message: cause };
  return {
    name: cause === null ? 'null' : typeof cause,
    message: safeText(() => JSON.stringify(cause) ?? String(cause)),
  };
}

function safeText(read: () => string): string {
  try {
    return String(read());
  } catch {
    return '[unprintable]';
  }
}
