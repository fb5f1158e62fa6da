import { afterEach, describe, expect, it } from 'vitest';
import { createPool, type Clock } from '@troupe/core';
import {
  createTestClock,
  disposeTestClocks,
  TimerLeakError,
  TimersKeepReschedulingError,
} from '@troupe/testkit';

afterEach(() => disposeTestClocks());

/** Sets itself again every `ms`: a timer that never lets a clock be idle. */
function heartbeat(clock: Clock, ms: number): void {
  clock.setTimeout(function beat() {
    heartbeat(clock, ms);
  }, ms);
}

describe('createTestClock', () => {
  it('advance, next and timers() list what is pending, earliest first', async () => {
    const clock = createTestClock();
    const fired: string[] = [];
    clock.setTimeout(function later() {
      fired.push('later');
    }, 50);
    clock.setTimeout(() => fired.push('sooner'), 10);
    expect(clock.timers().map((t) => [t.at, t.label])).toEqual([
      [10, 'anonymous'],
      [50, 'later'],
    ]);
    await clock.advance(10);
    expect(fired).toEqual(['sooner']);
    expect(await clock.next()).toBe(true);
    expect([clock.now(), fired]).toEqual([50, ['sooner', 'later']]);
    expect(await clock.next()).toBe(false);
  });

  it('runUntilIdle fires every timer, including those set while it runs, and counts them', async () => {
    const clock = createTestClock();
    let left = 5;
    const again = (): void => {
      if (--left > 0) clock.setTimeout(again, 1_000);
    };
    clock.setTimeout(again, 1_000);
    expect(await clock.runUntilIdle()).toBe(5);
    expect([clock.now(), clock.pending()]).toEqual([5_000, 0]);
  });

  it('runUntilIdle fails loudly, naming the timer that keeps rescheduling and where it is set', async () => {
    const clock = createTestClock();
    heartbeat(clock, 100);
    const error = await clock.runUntilIdle({ maxSteps: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimersKeepReschedulingError);
    const e = error as TimersKeepReschedulingError;
    expect(e.at).toBe(5_000);
    expect(e.message).toMatch(/50 fired and 1 still pending at 5000 ms/);
    expect(e.message).toMatch(/49× beat set at heartbeat \(.*test-clock\.test\.ts:\d+\)/);
    expect(e.pending).toHaveLength(1);
    expect(clock.dispose()).toEqual(e.pending);
  });

  it('runUntilSettled drives a pool close however long its drain takes', async () => {
    const clock = createTestClock();
    const pool = createPool<number, number>({
      worker: (ms) => new Promise((resolve) => clock.setTimeout(() => resolve(ms), ms)),
      size: 1,
      clock,
    }).start();
    const results = [pool.submit(30_000), pool.submit(90_000)];
    await clock.runUntilSettled(pool.close());
    expect(clock.now()).toBe(120_000);
    expect((await Promise.all(results)).map((r) => r._tag)).toEqual(['Right', 'Right']);
    expect(clock.pending()).toBe(0);
  });

  it('runUntilSettled fails when nothing is left that could settle the promise', async () => {
    const clock = createTestClock();
    await expect(clock.runUntilSettled(new Promise(() => undefined))).rejects.toThrow(
      /still pending at 0 ms and no timer is left/,
    );
    await expect(clock.runUntilSettled(Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });

  it('dispose clears every pending timer and ignores later ones; `using` disposes it', async () => {
    let fired = 0;
    let kept: ReturnType<typeof createTestClock> | undefined;
    {
      using clock = createTestClock();
      kept = clock;
      clock.setTimeout(() => fired++, 10);
    }
    expect([kept.disposed, kept.pending()]).toEqual([true, 0]);
    kept.setTimeout(() => fired++, 1);
    await kept.advance(100);
    expect(fired).toBe(0);
  });

  it('disposeTestClocks reports the timers a test left behind', () => {
    const clock = createTestClock();
    heartbeat(clock, 1_000);
    let error: unknown;
    try {
      disposeTestClocks();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TimerLeakError);
    expect((error as TimerLeakError).message).toMatch(/1 timer\(s\) still pending.*\n.*beat/);
    expect(clock.disposed).toBe(true);
    expect(() => disposeTestClocks()).not.toThrow();
  });
});
