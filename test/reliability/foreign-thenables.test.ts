/**
 * A worker's result is adopted as Promises/A+ adopts a thenable: the first call-back wins; a
 * `then` that throws (or a `then` getter that throws) fails that task only, unless it called
 * back first; and a thenable that calls back synchronously runs the queue in a loop, not one
 * stack frame per queued task.
 */
import { describe, expect, it } from 'vitest';
import { createPool, createVirtualClock, isErr, isOk, TaskFailed } from '@troupe/core';
import { settled, tagOf } from './support/observe.js';

type Run = (input: number) => unknown;

function setup(run: Run, size = 1) {
  const clock = createVirtualClock();
  const pool = createPool<number, unknown>({
    worker: run,
    size,
    clock,
    queue: { capacity: 50_000 },
  });
  pool.start();
  return { clock, pool };
}

/** A thenable that answers inside `then`. */
const syncThenable = (value: unknown) => ({
  then(onOk: (value: unknown) => void) {
    onOk(value);
  },
});

describe('foreign thenables', () => {
  it('20,000 queued tasks whose thenables answer synchronously all settle', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { clock, pool } = setup((n) => (n === 0 ? gate.then(() => 0) : syncThenable(n * 2)));
    await clock.flush();
    const blocker = pool.submit(0);
    const inputs = Array.from({ length: 20_000 }, (_, i) => i + 1);
    const results = pool.submitMany(inputs);
    release();
    await clock.flush();
    expect(tagOf(await settled(blocker))).toBe('ok');
    const all = await settled(results);
    expect(all.every(isOk)).toBe(true);
    expect(all.map((r) => isOk(r) && r.right)).toEqual(inputs.map((n) => n * 2));
    expect(pool.getSnapshot().metrics.completed).toBe(20_001);
    await settled(pool.close());
  });

  it('a `then` that throws fails that task only, and the pool closes', async () => {
    const boom = new Error('then broke');
    const { clock, pool } = setup((n) =>
      n === 1
        ? {
            then() {
              throw boom;
            },
          }
        : n * 10,
    );
    await clock.flush();
    const broken = await settled(pool.submit(1));
    expect(isErr(broken) && broken.left).toBeInstanceOf(TaskFailed);
    expect(isErr(broken) && broken.left.cause).toBe(boom);
    expect(await settled(pool.run(2))).toBe(20);
    expect(pool.getSnapshot().workers.map((w) => w.state)).toEqual(['idle']);
    await settled(pool.close());
  });

  it('a `then` getter that throws, or a borrowed native `then`, fails that task only', async () => {
    const hostile = {
      get then(): never {
        throw new Error('no then');
      },
    };
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const borrowed = { then: Promise.prototype.then };
    const { clock, pool } = setup((n) => (n === 1 ? hostile : n === 2 ? borrowed : n));
    await clock.flush();
    const [a, b, c] = await settled(Promise.all([pool.submit(1), pool.submit(2), pool.submit(3)]));
    expect(tagOf(a)).toBe('TaskFailed');
    expect(isErr(a) && (a.left.cause as Error).message).toBe('no then');
    expect(tagOf(b)).toBe('TaskFailed');
    expect(isErr(b) && b.left.cause).toBeInstanceOf(TypeError);
    expect(isOk(c) && c.right).toBe(3);
    await settled(pool.close());
  });

  it('the first call-back wins; a throw after it is ignored', async () => {
    const { clock, pool } = setup((n) => ({
      then(onOk: (v: unknown) => void, onErr: (e: unknown) => void) {
        if (n === 1) {
          onErr('first: an error');
          onOk('then a value');
        } else {
          onOk(`value ${n}`);
          throw new Error('thrown after the answer');
        }
      },
    }));
    await clock.flush();
    const first = await settled(pool.submit(1));
    expect(isErr(first) && first.left.cause).toBe('first: an error');
    expect(await settled(pool.run(2))).toBe('value 2');
    expect(pool.getSnapshot().metrics).toMatchObject({ failed: 1, completed: 1 });
    await settled(pool.close());
  });

  it('a thenable that answers later, after other work, settles its own task', async () => {
    const answers: ((v: unknown) => void)[] = [];
    const { clock, pool } = setup(
      (n) => ({
        then(onOk: (v: unknown) => void) {
          answers[n] = onOk;
        },
      }),
      2,
    );
    await clock.flush();
    const one = pool.submit(1);
    const two = pool.submit(2);
    await clock.flush();
    answers[2]!('two');
    answers[1]!('one');
    expect(isOk(await settled(one)) && (await one)).toEqual({ _tag: 'Right', right: 'one' });
    expect(await settled(two)).toEqual({ _tag: 'Right', right: 'two' });
    await settled(pool.close());
  });

  it("an executor's thenables marked answersOnce settle through the pool's bound handlers", async () => {
    const clock = createVirtualClock();
    const pool = createPool<number, number>({
      worker: {
        kind: 'custom',
        answersOnce: true,
        run: (n: number) =>
          ({
            then(onOk: (v: number) => void) {
              clock.setTimeout(() => onOk(n + 1), 5);
            },
          }) as unknown as PromiseLike<number>,
      },
      clock,
    });
    pool.start();
    await clock.flush();
    const results = [pool.run(1), pool.run(2)];
    await clock.advance(10);
    expect(await settled(Promise.all(results))).toEqual([2, 3]);
    await settled(pool.close());
  });
});
