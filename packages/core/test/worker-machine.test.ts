/**
 * The worker machine is plain logic: it runs with `createActor(workerMachine, { input })` and
 * events alone. What it reports goes to its parent as events (here a recording actor); what its
 * executor reports about single runs goes to the `runs` reporter in its input.
 */
import { createActor, fromCallback, type AnyActorRef } from 'xstate';
import { describe, expect, it } from 'vitest';
import { createVirtualClock } from '@troupe/core';
import {
  workerMachine,
  type RunReporter,
  type WorkerInput,
  type WorkerParentEvent,
} from '../src/worker/worker-machine.js';
import type { WorkerLogic, WorkerSetupContext } from '../src/worker/worker-logic.js';

/** A parent that only records what its child tells it. */
function recordingParent() {
  const told: WorkerParentEvent[] = [];
  const ref = createActor(
    fromCallback<WorkerParentEvent>(({ receive }) => receive((event) => told.push(event))),
  ).start();
  return { ref: ref as AnyActorRef, told };
}

function recordingRuns() {
  const calls: string[] = [];
  const runs: RunReporter = {
    reportStrayAnswer: (id, taskId) => void calls.push(`stray ${id} ${taskId}`),
    countLate: () => void calls.push('late'),
    requeueRun: (id, taskId) => void calls.push(`requeue ${id} ${taskId}`),
    limitLanes: (id, limit) => void calls.push(`limit ${id} ${limit}`),
    giveBack: (id, taskIds) => void calls.push(`giveBack ${id} ${taskIds.join(',')}`),
  };
  return { runs, calls };
}

function start(logic: WorkerLogic<unknown, unknown, unknown>, runs?: RunReporter) {
  const parent = recordingParent();
  const input: WorkerInput = {
    id: 'w1',
    logic,
    clock: createVirtualClock(),
    setupTimeoutMs: Infinity,
    lateTeardownFailed: () => undefined,
    ...(runs === undefined ? {} : { runs }),
  };
  const worker = createActor(workerMachine, { parent: parent.ref, input }).start();
  return { worker, told: parent.told };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('workerMachine, driven by events alone', () => {
  it('starting → idle ⇄ busy → stopping → stopped, telling its parent', async () => {
    const teardowns: string[] = [];
    const { worker, told } = start({
      kind: 'test',
      setup: () => 'resource',
      run: (x) => x,
      teardown: (resource, ctx) => void teardowns.push(`${String(resource)} ${ctx.reason}`),
    });
    expect(worker.getSnapshot().value).toBe('starting');
    await tick();
    expect(worker.getSnapshot().value).toBe('idle');
    expect(told).toEqual([{ type: 'worker.ready', id: 'w1', resource: 'resource' }]);

    worker.send({ type: 'task.started' });
    expect(worker.getSnapshot().value).toBe('busy');
    worker.send({ type: 'task.finished' });
    expect(worker.getSnapshot().value).toBe('idle');

    worker.send({ type: 'worker.stop' });
    expect(worker.getSnapshot().value).toBe('stopping');
    await tick();
    expect(worker.getSnapshot().value).toBe('stopped');
    expect(teardowns).toEqual(['resource stop']);
    expect(told.at(-1)).toEqual({ type: 'worker.stopped', id: 'w1' });
  });

  it('its setup runs as the child actor `setup`, gone once the worker is set up', async () => {
    const { worker } = start({ kind: 'test', setup: () => 'resource', run: (x) => x });
    expect(Object.keys(worker.getSnapshot().children)).toEqual(['setup']);
    await tick();
    expect(worker.getSnapshot().value).toBe('idle');
    expect(worker.getSnapshot().children).toEqual({});
  });

  it('with no setup it runs no actor: it is set up a microtask after it starts, not at once', async () => {
    const { worker, told } = start({ kind: 'test', run: (x) => x });
    expect(worker.getSnapshot().value).toBe('starting');
    expect(worker.getSnapshot().children).toEqual({});
    expect(told).toEqual([]);
    await Promise.resolve();
    expect(worker.getSnapshot().value).toBe('idle');
    expect(told).toEqual([{ type: 'worker.ready', id: 'w1', resource: undefined }]);
  });

  it('with no setup, asked to stop while starting: it stops once set up (its teardown given no resource)', async () => {
    let tornDown: unknown = 'never';
    const { worker, told } = start({
      kind: 'test',
      run: (x) => x,
      teardown: (resource) => void (tornDown = resource),
    });
    worker.send({ type: 'worker.stop' });
    await tick();
    expect(worker.getSnapshot().value).toBe('stopped');
    expect(told).toEqual([{ type: 'worker.stopped', id: 'w1' }]);
    expect(tornDown).toBe(undefined);
  });

  it('a failing setup: crashed, then stopped, with no resource to tear down', async () => {
    const cause = new Error('no connection');
    let tornDown = false;
    const { worker, told } = start({
      kind: 'test',
      setup: () => Promise.reject(cause),
      run: (x) => x,
      teardown: () => void (tornDown = true),
    });
    await tick();
    expect(worker.getSnapshot().value).toBe('stopped');
    expect(told).toEqual([
      { type: 'worker.crashed', id: 'w1', cause },
      { type: 'worker.stopped', id: 'w1' },
    ]);
    expect(tornDown).toBe(false);
    expect(worker.getSnapshot().status).toBe('active');
  });

  it('its executor reports through the setup context: runs to `runs`, replace to the parent', async () => {
    const { runs, calls } = recordingRuns();
    let ctx: WorkerSetupContext | undefined;
    const { worker, told } = start(
      {
        kind: 'test',
        concurrency: 2,
        setup: (c) => void (ctx = c),
        run: (x) => x,
      },
      runs,
    );
    await tick();
    ctx!.requeue(7);
    ctx!.limitLanes(1);
    ctx!.giveBack([3, 4]);
    ctx!.strayAnswer(9, 'answered twice');
    expect(calls).toEqual(['requeue w1 7', 'limit w1 1', 'giveBack w1 3,4', 'late', 'stray w1 9']);
    expect(() => ctx!.limitLanes(3)).toThrow(/limitLanes/);

    const cause = new Error('worn out');
    ctx!.replace(cause);
    await tick();
    expect(told).toContainEqual({ type: 'worker.replacing', id: 'w1', cause });
    expect(worker.getSnapshot().value).toBe('stopped');
  });
});
