/**
 * Executor hooks for workers that cannot be pre-empted (threads): `replace` gives a worker up on
 * purpose without counting a crash; a run that rejects with `TaskRejected` settles with it; an
 * out-of-memory cause marks `WorkerCrashed.oom`.
 */
import { describe, expect, it } from 'vitest';
import {
  createPool,
  createVirtualClock,
  fromAsync,
  isErr,
  TaskRejected,
  WorkerCrashed,
  type PoolEvent,
  type WorkerSetupContext,
} from '@troupe/core';

/** A worker that, like a thread, can only stop a running task by being replaced. */
function unstoppable() {
  return fromAsync({
    setup: (ctx: WorkerSetupContext) => ctx,
    run: (job: string, { signal, resource }) =>
      job === 'hang'
        ? new Promise<string>(() => {
            signal.addEventListener('abort', () => resource.replace(signal.reason), { once: true });
          })
        : job,
  });
}

describe('replace', () => {
  it('cancelling a running task replaces its worker without a crash, a restart or the supervisor', async () => {
    const clock = createVirtualClock();
    const pool = createPool({
      worker: unstoppable(),
      size: 1,
      clock,
      supervision: { maxRestarts: 0 },
    }).start();
    const events: PoolEvent[] = [];
    pool.events$.subscribe((e) => events.push(e));
    await clock.flush();
    for (let i = 0; i < 3; i++) {
      const controller = new AbortController();
      const hung = pool.submit('hang', { signal: controller.signal });
      await clock.flush();
      controller.abort(new Error(`stop ${i}`));
      const result = await hung;
      expect(isErr(result) && result.left._tag).toBe('TaskCancelled');
      await clock.flush();
      expect(await pool.run('next')).toBe('next');
    }
    const s = pool.getSnapshot();
    expect(s.state).toBe('running');
    expect(s.metrics).toMatchObject({ replaced: 3, restarts: 0, crashes: 0, cancelled: 3 });
    expect(s.workers.map((w) => w.id)).toEqual(['pool-w1-r3']);
    expect(events.filter((e) => e.type === 'worker.replaced')).toHaveLength(3);
    expect(events.some((e) => e.type === 'worker.crashed' || e.type === 'pool.failed')).toBe(false);
    await pool.close();
    expect(clock.pending()).toBe(0);
  });

  it('a replaced worker is not replaced when its pool closes meanwhile', async () => {
    const clock = createVirtualClock();
    const pool = createPool({ worker: unstoppable(), size: 1, clock }).start();
    await clock.flush();
    const controller = new AbortController();
    const hung = pool.submit('hang', { signal: controller.signal });
    await clock.flush();
    const closed = pool.close({ abort: true });
    controller.abort('late');
    await closed;
    expect(isErr(await hung)).toBe(true);
    expect(pool.getSnapshot()).toMatchObject({ state: 'stopped', workers: [] });
  });
});

describe('an executor refusing an input', () => {
  it('settles the task with its TaskRejected, counted dropped, and the worker keeps going', async () => {
    const pool = createPool({
      worker: (n: number) => {
        if (n < 0) throw new TaskRejected('invalid-input', `cannot send ${n}`);
        return n;
      },
      retry: { attempts: 3 },
      clock: createVirtualClock(),
    }).start();
    const bad = await pool.submit(-1);
    expect(isErr(bad) && bad.left).toMatchObject({
      _tag: 'TaskRejected',
      reason: 'invalid-input',
      message: 'cannot send -1',
      taskId: 1,
    });
    expect(await pool.run(2)).toBe(2);
    expect(pool.getSnapshot().metrics).toMatchObject({ dropped: 1, completed: 1, retries: 0 });
    await pool.close();
  });
});

describe('WorkerCrashed.oom', () => {
  it('is true only for a cause with the out-of-memory code', () => {
    const oom = Object.assign(new Error('heap'), { code: 'ERR_WORKER_OUT_OF_MEMORY' });
    expect(new WorkerCrashed(oom, 'w').oom).toBe(true);
    expect(new WorkerCrashed(new Error('x'), 'w').oom).toBe(false);
    expect(new WorkerCrashed(undefined, 'w').oom).toBe(false);
  });
});

describe('ctx.onAbort', () => {
  it('calls its listeners (functions or handleAbort objects) once with the reason, or at once when registered after the abort', async () => {
    const clock = createVirtualClock();
    const heard: unknown[] = [];
    let late: ((listener: (reason: unknown) => void) => void) | undefined;
    const pool = createPool({
      clock,
      worker: (_: number, ctx) =>
        new Promise<number>(() => {
          ctx.onAbort((reason) => heard.push(['first', reason]));
          ctx.onAbort({ handleAbort: (reason) => heard.push(['second', reason]) });
          late = (listener) => ctx.onAbort(listener);
        }),
    }).start();
    await clock.flush();
    const controller = new AbortController();
    const running = pool.submit(1, { signal: controller.signal });
    await clock.flush();
    expect(heard).toEqual([]);
    controller.abort('stop');
    expect(isErr(await running)).toBe(true);
    late!((reason) => heard.push(['late', reason]));
    expect(heard).toEqual([
      ['first', 'stop'],
      ['second', 'stop'],
      ['late', 'stop'],
    ]);
    await pool.close({ abort: true });
    expect(heard).toHaveLength(3);
  });
});
