/**
 * The wire format of a task's error: every `TaskError` tag survives the trip through a failed
 * job's `failedReason` with its cause's name and message; BullMQ's own reasons (a job stalled
 * too often, anything else) become a `WorkerCrashed` or a `TaskFailed` that says them.
 */
import { describe, expect, it } from 'vitest';
import {
  TaskCancelled,
  TaskFailed,
  TaskRejected,
  TaskTimedOut,
  WorkerCrashed,
  type TaskError,
} from '@troupe/core';
import { decodeFailure, encodeTaskError, JobStalledError, RemoteError } from '@troupe/bullmq';

const trip = (error: TaskError): TaskError => decodeFailure(encodeTaskError(error), 'job-1', 7);

describe('encodeTaskError / decodeFailure', () => {
  it('keeps the tag, the task id of the producer, and the cause as name and message', () => {
    const failed = trip(new TaskFailed(new RangeError('too big'), 3));
    expect(failed).toBeInstanceOf(TaskFailed);
    expect(failed.taskId).toBe(7);
    expect(failed.cause).toBeInstanceOf(RemoteError);
    expect([(failed.cause as Error).name, (failed.cause as Error).message]).toEqual([
      'RangeError',
      'too big',
    ]);
    const timed = trip(new TaskTimedOut(250, 3));
    expect(timed).toBeInstanceOf(TaskTimedOut);
    expect((timed as TaskTimedOut).timeoutMs).toBe(250);
    const cancelled = trip(new TaskCancelled('user said stop'));
    expect(cancelled).toBeInstanceOf(TaskCancelled);
    expect((cancelled.cause as Error).message).toBe('user said stop');
    const rejected = trip(new TaskRejected('queue-full', 'queue of pool p is full'));
    expect(rejected).toBeInstanceOf(TaskRejected);
    expect([(rejected as TaskRejected).reason, rejected.message]).toEqual([
      'queue-full',
      'queue of pool p is full',
    ]);
    const crashed = trip(new WorkerCrashed(new Error('thread died'), 'thumbs-w2'));
    expect(crashed).toBeInstanceOf(WorkerCrashed);
    expect((crashed as WorkerCrashed).workerId).toBe('thumbs-w2');
    expect((crashed.cause as Error).message).toBe('thread died');
  });

  it('carries causes that are not errors, even hostile ones', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('no');
        },
        ownKeys() {
          throw new Error('no');
        },
      },
    );
    expect(trip(new TaskFailed({ code: 42 })).cause).toMatchObject({ message: '{"code":42}' });
    expect(trip(new TaskFailed(hostile))).toBeInstanceOf(TaskFailed);
    expect(trip(new TaskFailed(undefined))).toBeInstanceOf(TaskFailed);
  });

  it("reads BullMQ's own reasons: a job stalled too often crashed its consumers", () => {
    const stalled = decodeFailure('job stalled more than allowable limit', 'job-9', 1);
    expect(stalled).toBeInstanceOf(WorkerCrashed);
    expect(stalled.cause).toBeInstanceOf(JobStalledError);
    expect((stalled.cause as Error).message).toContain('job job-9 stalled');
    const other = decodeFailure('Missing lock for job 4', 'job-4', 1);
    expect(other).toBeInstanceOf(TaskFailed);
    expect((other.cause as Error).message).toBe('Missing lock for job 4');
    expect(decodeFailure('{"troupe":1, broken', 'j', 1)).toBeInstanceOf(TaskFailed);
  });
});
