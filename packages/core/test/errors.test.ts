import { describe, expect, it } from 'vitest';
import * as core from '@troupe/core';
import {
  createPool,
  createVirtualClock,
  InvalidOptionError,
  PoolClosedError,
  PoolStateError,
  TaskCancelled,
  TaskFailed,
  TaskRejected,
  TaskTimedOut,
  WorkerCrashed,
  WorkerCrashedError,
  type TaskError,
} from '@troupe/core';

describe('TaskError classes', () => {
  const boom = new RangeError('boom');
  const cases: readonly [string, TaskError][] = [
    ['TaskFailed', new TaskFailed(boom, 7)],
    ['TaskTimedOut', new TaskTimedOut(250, 7)],
    ['TaskCancelled', new TaskCancelled(boom, 7)],
    ['TaskRejected', new TaskRejected('queue-full', 'the queue is full', 7)],
    ['WorkerCrashed', new WorkerCrashed(boom, 'pool-w1', 7)],
  ];

  it.each(cases)('%s has that exact _tag and name, and is an Error', (tag, error) => {
    expect(error._tag).toBe(tag);
    expect(error.name).toBe(tag);
    expect(error).toBeInstanceOf(Error);
    expect(error.taskId).toBe(7);
    expect(String(error)).toMatch(new RegExp(`^${tag}: `));
    expect(error.stack?.split('\n')[0]).toMatch(new RegExp(`^${tag}: `));
  });

  it('the tags tell the classes apart for a switch', () => {
    const tags = cases.map(([, e]) => e._tag);
    expect(new Set(tags).size).toBe(cases.length);
    for (const [, e] of cases) {
      expect(e instanceof TaskFailed).toBe(e._tag === 'TaskFailed');
      expect(e instanceof TaskTimedOut).toBe(e._tag === 'TaskTimedOut');
      expect(e instanceof TaskCancelled).toBe(e._tag === 'TaskCancelled');
      expect(e instanceof TaskRejected).toBe(e._tag === 'TaskRejected');
      expect(e instanceof WorkerCrashed).toBe(e._tag === 'WorkerCrashed');
    }
  });

  it('TaskFailed keeps what the task threw as cause and describes it', () => {
    const e = new TaskFailed(boom);
    expect(e.cause).toBe(boom);
    expect(e.message).toBe('task failed: RangeError: boom');
    expect(e.taskId).toBeUndefined();
    expect(new TaskFailed('a string').message).toBe('task failed: "a string"');
    expect(new TaskFailed(undefined).cause).toBeUndefined();
  });

  it('TaskCancelled keeps the abort reason as cause, whatever it is', () => {
    const controller = new AbortController();
    controller.abort();
    const reason: unknown = controller.signal.reason;
    const e = new TaskCancelled(reason);
    expect(e.cause).toBe(reason);
    expect((e.cause as Error).name).toBe('AbortError');
    expect(e.message).toMatch(/^task cancelled: AbortError: /);
    expect(new TaskCancelled('changed my mind').cause).toBe('changed my mind');
    expect(new TaskCancelled('changed my mind').message).toBe('task cancelled: "changed my mind"');
  });

  it('TaskTimedOut keeps the limit and says it', () => {
    const e = new TaskTimedOut(1_500);
    expect(e.timeoutMs).toBe(1_500);
    expect(e.message).toBe('task timed out after 1500 ms');
  });

  it('TaskTimedOut has a cause: a TimeoutError naming the limit and the task', async () => {
    const clock = createVirtualClock();
    const pool = createPool({
      worker: () => new Promise<never>(() => {}),
      clock,
      timeoutMs: 250,
    }).start();
    const result = pool.submit(1);
    await clock.advance(300);
    const outcome = await result;
    if (outcome._tag !== 'Left' || outcome.left._tag !== 'TaskTimedOut')
      throw new Error('expected TaskTimedOut');
    const error = outcome.left;
    expect(error.cause).toBeInstanceOf(Error);
    expect(error.cause.name).toBe('TimeoutError');
    expect(error.cause.message).toBe(
      `task ${error.taskId} was still running 250 ms after it started`,
    );
    await pool.close({ abort: true });
  });

  it('TaskRejected keeps its reason and message', () => {
    for (const reason of ['queue-full', 'pool-closed', 'pool-failed', 'invalid-input'] as const) {
      const e = new TaskRejected(reason, `no: ${reason}`);
      expect(e.reason).toBe(reason);
      expect(e.message).toBe(`no: ${reason}`);
    }
  });

  it('WorkerCrashed keeps the crash cause and the worker id', () => {
    const cause = new WorkerCrashedError('connection lost');
    const e = new WorkerCrashed(cause, 'db-w3');
    expect(e.cause).toBe(cause);
    expect(e.workerId).toBe('db-w3');
    expect(e.message).toBe('worker db-w3 crashed: WorkerCrashedError: connection lost');
  });
});

describe('other errors', () => {
  it('WorkerCrashedError, PoolClosedError and PoolStateError have stable names', () => {
    const crash = new WorkerCrashedError('gone', { cause: 1 });
    expect(crash.name).toBe('WorkerCrashedError');
    expect(crash.cause).toBe(1);
    expect(new PoolClosedError('closed').name).toBe('PoolClosedError');
    const state = new PoolStateError('resize', 'stopped', 'cannot resize');
    expect(state).toMatchObject({
      name: 'PoolStateError',
      operation: 'resize',
      state: 'stopped',
      message: 'cannot resize',
    });
    expect(state).toBeInstanceOf(Error);
  });

  it('InvalidOptionError names the option, the value and what is allowed', () => {
    const e = new InvalidOptionError('queue.capacity', -5, 'a whole number >= 1, or Infinity');
    expect(e).toBeInstanceOf(TypeError);
    expect(e.name).toBe('InvalidOptionError');
    expect(e).toMatchObject({
      option: 'queue.capacity',
      value: -5,
      allowed: 'a whole number >= 1, or Infinity',
    });
    expect(e.message).toBe(
      'invalid option `queue.capacity`: got -5; allowed: a whole number >= 1, or Infinity',
    );
  });

  it('InvalidOptionError shows strings quoted, so "4" and 4 differ', () => {
    expect(new InvalidOptionError('size', '4', 'a whole number >= 1').message).toContain(
      'got "4";',
    );
    expect(new InvalidOptionError('size', 4.5, 'a whole number >= 1').message).toContain(
      'got 4.5;',
    );
    expect(new InvalidOptionError('size', Number.NaN, 'x').message).toContain('got NaN;');
  });
});

describe('one naming rule for every error class exported', () => {
  const classes = Object.entries(core as Record<string, unknown>).filter(
    (entry): entry is [string, new (...args: never[]) => Error] =>
      typeof entry[1] === 'function' && entry[1].prototype instanceof Error,
  );

  it('a TaskError has a _tag name; every other error class ends in Error', () => {
    const tagged = ['TaskFailed', 'TaskTimedOut', 'TaskCancelled', 'TaskRejected', 'WorkerCrashed'];
    expect(classes.length).toBeGreaterThan(tagged.length);
    for (const [, type] of classes) {
      if (tagged.includes(type.name)) continue;
      expect(type.name).toMatch(/Error$/);
    }
  });

  it('the old names of renamed classes are the same classes, for one release', () => {
    expect(core.ThroughUnsubscribed).toBe(core.ThroughUnsubscribedError);
    expect(core.RestartLimitExceeded).toBe(core.RestartLimitExceededError);
    expect(new core.ThroughUnsubscribedError().name).toBe('ThroughUnsubscribedError');
    expect(new core.RestartLimitExceededError(4, 1_000, 'boom').cause).toBe('boom');
  });
});
