/**
 * `through` gives one abort signal to every task in its window: past ten tasks (a pool of six
 * workers or more, by default) Node would warn of a listener leak that is not one. The shared
 * controller lifts the limit; its signal still reaches every listener.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { from } from 'rxjs';
import { createPool, createVirtualClock, through } from '@troupe/core';
import { sharedAbortController } from '../src/streams/shared-abort-controller.js';
import { collect } from './support/through-harness.js';
import { after } from './support/virtual-time.js';

const warnings: string[] = [];
const onWarning = (warning: Error) => warnings.push(warning.name);

/** Lets a warning emitted meanwhile (on the next tick) arrive. */
const nextTicks = () => new Promise((resolve) => setImmediate(resolve));

afterEach(() => {
  process.off('warning', onWarning);
  warnings.length = 0;
});

describe('sharedAbortController', () => {
  it('takes many listeners without a warning, and aborts them all', async () => {
    process.on('warning', onWarning);
    const controller = sharedAbortController();
    let told = 0;
    for (let i = 0; i < 50; i++)
      controller.signal.addEventListener('abort', () => told++, { once: true });
    controller.abort();
    await nextTicks();
    expect(told).toBe(50);
    expect(warnings).toEqual([]);
  });

  it('lets through keep a window of more than ten tasks without a warning', async () => {
    process.on('warning', onWarning);
    const clock = createVirtualClock();
    const pool = createPool({
      worker: (n: number) => after(clock, 5, n),
      size: 16,
      clock,
    }).start();
    const results = await collect(
      clock,
      from(Array.from({ length: 100 }, (_, i) => i)).pipe(through(pool)),
    );
    expect(results).toHaveLength(100);
    await pool.close();
    await nextTicks();
    expect(warnings).toEqual([]);
  });
});
