import { afterEach, describe, expect, it, vi } from 'vitest';
import { createVirtualClock, systemClock } from '@troupe/core';
import { MAX_TIMER_MS } from '../src/time/clock.js';

describe('createVirtualClock', () => {
  it('starts at 0, or at startMs, and moves only when told', async () => {
    expect(createVirtualClock().now()).toBe(0);
    const clock = createVirtualClock(1_000);
    expect(clock.now()).toBe(1_000);
    await clock.flush();
    expect(clock.now()).toBe(1_000);
    await clock.advance(250);
    expect(clock.now()).toBe(1_250);
    await clock.advance(0);
    expect(clock.now()).toBe(1_250);
  });

  it('advance() fires the timers that fall due, in time order, at their own time', async () => {
    const clock = createVirtualClock();
    const fired: string[] = [];
    const at = (label: string, ms: number): unknown =>
      clock.setTimeout(() => fired.push(`${label}@${clock.now()}`), ms);
    at('c', 30);
    at('a', 10);
    at('d', 31);
    at('b', 20);
    expect(clock.pending()).toBe(4);
    await clock.advance(9);
    expect(fired).toEqual([]);
    await clock.advance(21);
    expect(fired).toEqual(['a@10', 'b@20', 'c@30']);
    expect(clock.pending()).toBe(1);
    expect(clock.now()).toBe(30);
    await clock.advance(100);
    expect(fired).toEqual(['a@10', 'b@20', 'c@30', 'd@31']);
    expect(clock.now()).toBe(130);
    expect(clock.pending()).toBe(0);
  });

  it('fires timers due at the same time in insertion order', async () => {
    const clock = createVirtualClock();
    const fired: number[] = [];
    for (let i = 0; i < 10; i++) clock.setTimeout(() => fired.push(i), 5);
    clock.setTimeout(() => fired.push(-1), 4);
    await clock.advance(5);
    expect(fired).toEqual([-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('treats a negative delay as 0', async () => {
    const clock = createVirtualClock(50);
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(clock.now()), -10);
    await clock.advance(0);
    expect(fired).toEqual([50]);
  });

  it('fires within the same advance a timer set by a timer callback, after those already due', async () => {
    const clock = createVirtualClock();
    const fired: string[] = [];
    clock.setTimeout(() => {
      fired.push(`outer@${clock.now()}`);
      clock.setTimeout(() => fired.push(`inner@${clock.now()}`), 5);
    }, 10);
    clock.setTimeout(() => fired.push(`other@${clock.now()}`), 15);
    await clock.advance(15);
    expect(fired).toEqual(['outer@10', 'other@15', 'inner@15']);
  });

  it('runs promise callbacks between timers, so a +0 timer they set fires in the same advance', async () => {
    const clock = createVirtualClock();
    const fired: string[] = [];
    let resolve!: () => void;
    const gate = new Promise<void>((r) => (resolve = r));
    void gate.then(() => {
      fired.push(`then@${clock.now()}`);
      clock.setTimeout(() => fired.push(`follow-up@${clock.now()}`), 0);
    });
    clock.setTimeout(() => {
      fired.push(`timer@${clock.now()}`);
      resolve();
    }, 10);
    clock.setTimeout(() => fired.push(`later@${clock.now()}`), 20);
    await clock.advance(30);
    expect(fired).toEqual(['timer@10', 'then@10', 'follow-up@10', 'later@20']);
    expect(clock.pending()).toBe(0);
  });

  it('lets async code that awaits timers in a loop run to completion within one advance', async () => {
    const clock = createVirtualClock();
    const sleep = (ms: number): Promise<void> => new Promise((r) => clock.setTimeout(r, ms));
    const ticks: number[] = [];
    const loop = (async () => {
      for (let i = 0; i < 5; i++) {
        await sleep(10);
        ticks.push(clock.now());
      }
    })();
    await clock.advance(50);
    expect(ticks).toEqual([10, 20, 30, 40, 50]);
    await loop;
  });

  it('clearTimeout() cancels a pending timer and ignores unknown handles', async () => {
    const clock = createVirtualClock();
    const fired: string[] = [];
    const a = clock.setTimeout(() => fired.push('a'), 10);
    clock.setTimeout(() => fired.push('b'), 10);
    clock.clearTimeout(a);
    clock.clearTimeout(a);
    clock.clearTimeout(12345);
    clock.clearTimeout(undefined);
    expect(clock.pending()).toBe(1);
    await clock.advance(10);
    expect(fired).toEqual(['b']);
  });

  it('next() jumps to the earliest timer, fires only it, and resolves false when none is pending', async () => {
    const clock = createVirtualClock(100);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`b@${clock.now()}`), 50);
    clock.setTimeout(() => fired.push(`a@${clock.now()}`), 20);
    await expect(clock.next()).resolves.toBe(true);
    expect(fired).toEqual(['a@120']);
    expect(clock.now()).toBe(120);
    expect(clock.pending()).toBe(1);
    await expect(clock.next()).resolves.toBe(true);
    expect(fired).toEqual(['a@120', 'b@150']);
    await expect(clock.next()).resolves.toBe(false);
    expect(clock.now()).toBe(150);
  });

  it('next() lets promise callbacks run before and after the timer', async () => {
    const clock = createVirtualClock();
    const seen: string[] = [];
    void Promise.resolve().then(() => clock.setTimeout(() => seen.push('timer'), 5));
    await expect(clock.next()).resolves.toBe(true); // the timer did not exist when next() was called
    expect(seen).toEqual(['timer']);
  });

  it('flush() runs pending promise chains without moving time or firing timers', async () => {
    const clock = createVirtualClock();
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('timer'), 0);
    let steps = 0;
    void Promise.resolve()
      .then(() => steps++)
      .then(() => steps++)
      .then(() => steps++);
    await clock.flush();
    expect(steps).toBe(3);
    expect(fired).toEqual([]);
    expect(clock.pending()).toBe(1);
    expect(clock.now()).toBe(0);
  });

  it('advance() rejects a negative or NaN duration with a RangeError and does not move time', async () => {
    const clock = createVirtualClock();
    clock.setTimeout(() => undefined, 0);
    await expect(clock.advance(-1)).rejects.toThrow(RangeError);
    await expect(clock.advance(Number.NaN)).rejects.toThrow(/ms must be >= 0/);
    expect(clock.now()).toBe(0);
    expect(clock.pending()).toBe(1);
  });
});

describe('systemClock', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps the process alive while a timer is pending (an awaited deadline must fire)', () => {
    const handle = systemClock.setTimeout(() => undefined, 60_000) as NodeJS.Timeout;
    try {
      expect(handle.hasRef()).toBe(true);
    } finally {
      systemClock.clearTimeout(handle);
    }
  });

  it('caps a delay past the host limit at MAX_TIMER_MS instead of firing at once', () => {
    vi.useFakeTimers();
    const fired: string[] = [];
    systemClock.setTimeout(() => fired.push('far'), 2 ** 40);
    vi.advanceTimersByTime(1_000);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(MAX_TIMER_MS - 1_000);
    expect(fired).toEqual(['far']);
  });

  it('now() follows performance.now()', () => {
    const before = performance.now();
    const now = systemClock.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(performance.now());
  });

  it('fires after the delay and clearTimeout() cancels (on fake timers: no real wait)', () => {
    vi.useFakeTimers();
    const fired: string[] = [];
    systemClock.setTimeout(() => fired.push('kept'), 100);
    const cancelled = systemClock.setTimeout(() => fired.push('cancelled'), 50);
    systemClock.clearTimeout(cancelled);
    vi.advanceTimersByTime(99);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(['kept']);
  });
});
