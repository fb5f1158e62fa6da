/**
 * fromWorkerThread on the happy path, against real threads: answers, their order under
 * concurrency, transfer both ways, the thread's ctx, errors thrown in the thread, and options.
 */
import { describe, expect, it } from 'vitest';
import { createPool, InvalidOptionError, isErr, TaskFailed, type TaskResult } from '@troupe/core';
import { fromWorkerThread, threadStats, transfer } from '@troupe/threads';
import { expectNoThreadLeftAfterAll, fixture } from './support/threads.js';

expectNoThreadLeftAfterAll();

const tasks = fixture('tasks.mjs');

/** What `call` throws. */
function thrownBy(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

function failureOf(result: TaskResult<unknown>): TaskFailed {
  if (!isErr(result) || !(result.left instanceof TaskFailed))
    throw new Error(`expected TaskFailed, got ${JSON.stringify(result)}`);
  return result.left;
}

/** A count shared with the threads. */
const counter = (): Int32Array => new Int32Array(new SharedArrayBuffer(4));

/** One thread running `countedSpin` (see the fixture), `concurrency` tasks in flight. */
const countedSpinPool = (concurrency: number) =>
  createPool({
    worker: fromWorkerThread<{ started: Int32Array; ms: number }, number>(tasks, {
      export: 'countedSpin',
      concurrency,
    }),
    size: 1,
  }).start();

describe('fromWorkerThread', () => {
  it('runs the default export in a thread', async () => {
    const pool = createPool({ worker: fromWorkerThread<unknown, unknown>(tasks) }).start();
    await expect(pool.run({ hello: ['world', 1] })).resolves.toEqual({ hello: ['world', 1] });
    await expect(pool.run(new Map([[1, 'a']]))).resolves.toEqual(new Map([[1, 'a']]));
    expect(pool.getSnapshot().workers).toHaveLength(1);
    await pool.close();
  });

  it('takes a file path as well as a URL, and a named export', async () => {
    const logic = fromWorkerThread<number, number>(tasks.pathname, { export: 'asyncEcho' });
    expect(logic.kind).toBe('thread');
    expect(logic.concurrency).toBe(64);
    const pool = createPool({ worker: logic }).start();
    await expect(pool.run(7)).resolves.toBe(7);
    await pool.close();
  });

  it('gives each answer to its own task, with 16 in flight on each of 2 threads', async () => {
    const pool = createPool({
      worker: fromWorkerThread<{ id: number; delayMs: number }, number>(tasks, {
        export: 'later',
        concurrency: 16,
      }),
      size: 2,
    }).start();
    // Delays that make answers come back out of order.
    const inputs = Array.from({ length: 500 }, (_, id) => ({ id, delayMs: (id * 7) % 5 }));
    const results = await Promise.all(inputs.map((input) => pool.run(input)));
    expect(results).toEqual(inputs.map((input) => input.id));
    expect(pool.getSnapshot().metrics.completed).toBe(500);
    await pool.close();
  });

  it('answers every one of a burst of synchronous tasks, in flight 64 and 3 at a time', async () => {
    for (const concurrency of [64, 3]) {
      const pool = createPool({
        worker: fromWorkerThread<number, number>(tasks, { concurrency }),
        size: 2,
      }).start();
      const inputs = Array.from({ length: 5_000 }, (_, i) => i);
      await expect(Promise.all(inputs.map((i) => pool.run(i)))).resolves.toEqual(inputs);
      await pool.close();
    }
  });

  it("runs a thread's tasks in the order sent, none lost or twice, while the pool tops it up", async () => {
    // 1 ms tasks, 4 in flight: the thread asks for more before it runs dry, and takes runs
    // that wait on its port while it works.
    const started = counter();
    const pool = countedSpinPool(4);
    const counts = await Promise.all(
      Array.from({ length: 60 }, () => pool.run({ started, ms: 1 })),
    );
    expect(counts).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    await pool.close();
  });

  it('sends the run that fills the last lane at once, not at the end of the burst', async () => {
    // The caller submits three runs to a thread with three lanes, then blocks without letting a
    // microtask run: the thread must have all three already (a busy thread would otherwise
    // idle until the caller's burst ends). Blocking waits on the count the runs bump, bounded.
    const started = counter();
    const pool = countedSpinPool(3);
    await pool.run({ started: counter(), ms: 0 }); // thread up
    const runs = [1, 2, 3].map(() => pool.run({ started, ms: 0 }));
    const deadline = performance.now() + 5_000;
    for (let seen = 0; seen < 3 && performance.now() < deadline;) {
      Atomics.wait(started, 0, seen, deadline - performance.now());
      seen = Atomics.load(started, 0);
    }
    expect(Atomics.load(started, 0)).toBe(3);
    await Promise.all(runs);
    await pool.close();
  });

  it('does not hold an answer back behind a task as long as the one it came from', async () => {
    // Eight 50 ms tasks sent to one thread: each answer leaves as its task ends (the next task
    // would make it wait past 8 ms), not with the next one's (50 ms: room for a busy machine).
    const started = counter();
    const pool = countedSpinPool(8);
    await pool.run({ started: counter(), ms: 0 }); // thread up
    const runs = Array.from({ length: 8 }, () => pool.run({ started, ms: 50 }));
    const startedWhenAnswered = await runs[0]!.then(() => Atomics.load(started, 0));
    expect(startedWhenAnswered).toBeLessThanOrEqual(2);
    await Promise.all(runs);
    await pool.close();
  });

  it('sends the answer of a long task before the next one, when the thread is down to half its runs', async () => {
    // concurrency 2, one thread: a 5 ms task, then one that blocks the thread until the main
    // side opens its gate. The first answer has to leave before the second task starts (the
    // thread holds one run, half of 2), or the gate is only opened once it has timed out.
    const pool = createPool({
      worker: fromWorkerThread<{ ms?: number; gate?: Int32Array }, string>(tasks, {
        export: 'spinOrGate',
        concurrency: 2,
      }),
      size: 1,
    }).start();
    await pool.run({ ms: 0 }); // thread up
    const gate = counter();
    const first = pool.run({ ms: 5 });
    const second = pool.run({ gate });
    expect(await first).toBe('done');
    Atomics.store(gate, 0, 1);
    Atomics.notify(gate, 0);
    expect(await second).toBe('opened');
    await pool.close();
  });

  it("gives the module the workerData option as Node's workerData, in every thread", async () => {
    const data = { model: 'small', sizes: [1, 2, 3], at: new Date(0) };
    const pool = createPool({
      worker: fromWorkerThread<null, unknown>(tasks, {
        export: 'workerDataSeen',
        workerData: data,
      }),
      size: 2,
    }).start();
    const seen = await Promise.all([1, 2, 3, 4].map(() => pool.run(null)));
    for (const value of seen) expect(value).toEqual(data);
    await pool.close();
    // Without the option the module's workerData is undefined, not the runtime's own wiring.
    const plain = createPool({
      worker: fromWorkerThread<null, unknown>(tasks, { export: 'workerDataSeen' }),
    }).start();
    await expect(plain.run(null)).resolves.toBeUndefined();
    await plain.close();
  });

  it('shows the task its taskId and attempt, and a signal', async () => {
    const pool = createPool({
      worker: fromWorkerThread<null, unknown>(tasks, { export: 'describeCtx' }),
    }).start();
    const first = await pool.run(null);
    const second = await pool.run(null);
    expect(first).toEqual({ taskId: 1, attempt: 1, aborted: false });
    expect(second).toMatchObject({ taskId: 2, attempt: 1 });
    await pool.close();
  });

  it('transfers a 64 KiB ArrayBuffer to the thread and another one back', async () => {
    const pool = createPool({
      worker: fromWorkerThread<ArrayBuffer, { received: number; out: ArrayBuffer }>(tasks, {
        export: 'increment',
      }),
    }).start();
    const buffer = new Uint8Array(64 * 1024).fill(41).buffer;
    const answer = await pool.run(transfer(buffer, [buffer]));
    expect(buffer.byteLength).toBe(0); // moved, not copied
    expect(answer.received).toBe(64 * 1024);
    expect(answer.out.byteLength).toBe(64 * 1024);
    expect(new Uint8Array(answer.out).every((byte) => byte === 42)).toBe(true);
    await pool.close();
  });

  it('fails the task with the Error thrown in the thread: its name, message, stack and code', async () => {
    const pool = createPool({
      worker: fromWorkerThread<string, never>(tasks, { export: 'throws' }),
    }).start();
    const cause = failureOf(await pool.submit('bad input')).cause as Error & { code?: string };
    expect(cause).toBeInstanceOf(Error);
    expect(cause.name).toBe('Boom');
    expect(cause.message).toBe('bad input');
    expect(cause.code).toBe('E_BOOM');
    expect(cause.stack).toContain('tasks.mjs');
    // The worker is fine: the next task runs on it.
    expect(isErr(await pool.submit('again'))).toBe(true);
    expect(pool.getSnapshot().metrics.crashes).toBe(0);
    await pool.close();
  });

  it('keeps built-in error classes and non-Error throws', async () => {
    const rejecting = createPool({
      worker: fromWorkerThread<string, never>(tasks, { export: 'rejects' }),
    }).start();
    const cause = failureOf(await rejecting.submit('not a number')).cause;
    expect(cause).toBeInstanceOf(TypeError);
    expect((cause as Error).message).toBe('not a number');
    const throwing = createPool({
      worker: fromWorkerThread<string, never>(tasks, { export: 'throwsString' }),
    }).start();
    expect(failureOf(await throwing.submit('just a string')).cause).toBe('just a string');
    await Promise.all([rejecting.close(), throwing.close()]);
  });

  it('counts threads: started grows, live is back to 0 after close', async () => {
    const before = threadStats();
    const pool = createPool({ worker: fromWorkerThread<number, number>(tasks), size: 3 }).start();
    await pool.run(1);
    await expect.poll(() => pool.getSnapshot().state).toBe('running');
    expect(threadStats().started).toBe(before.started + 3);
    expect(threadStats().live).toBe(before.live + 3);
    await pool.close();
    expect(threadStats().live).toBe(before.live);
  });
});

describe('fromWorkerThread options', () => {
  const bad: [string, unknown, string][] = [
    ['concurrency', 0, 'concurrency'],
    ['concurrency', 1.5, 'concurrency'],
    ['concurrency', 1_025, 'concurrency'],
    ['concurrency', Number.NaN, 'concurrency'],
    ['concurrency', '2', 'concurrency'],
    ['export', '', 'export'],
    ['export', 3, 'export'],
    ['terminateTimeoutMs', 0, 'terminateTimeoutMs'],
    ['terminateTimeoutMs', -1, 'terminateTimeoutMs'],
    ['terminateTimeoutMs', Number.NaN, 'terminateTimeoutMs'],
    ['resourceLimits', { maxOldGenerationSizeMb: -16 }, 'resourceLimits.maxOldGenerationSizeMb'],
    ['resourceLimits', { heapMb: 16 }, 'resourceLimits.heapMb'],
    ['timeout', 5, 'timeout'],
    ['workerData', { load: () => 'model' }, 'workerData'],
    ['workerData', Symbol('config'), 'workerData'],
  ];
  it.each(bad)('rejects %s = %o, naming the option', (key, value, option) => {
    const error = thrownBy(() => fromWorkerThread(tasks, { [key]: value }));
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect((error as InvalidOptionError).option).toBe(option);
    expect((error as InvalidOptionError).message).toContain('allowed:');
  });

  it('rejects a module that is neither a URL nor a path', () => {
    expect(() => fromWorkerThread(42 as unknown as string)).toThrow(/invalid option `module`/);
    expect(() => fromWorkerThread('')).toThrow(InvalidOptionError);
  });

  it('takes concurrency as the logic concurrency', () => {
    expect(fromWorkerThread(tasks, { concurrency: 32 }).concurrency).toBe(32);
  });
});
