/**
 * `system.pipeline(name).process(source$, options)`: a `createPipeline` over the stages found by
 * name — one result per item (the last stage's value, or the error of the stage that failed it,
 * later stages never running it), bounded by `maxInFlight` over the whole and `concurrency` at
 * each stage, its options checked.
 */
import { describe, expect, it } from 'vitest';
import { Subject, lastValueFrom, range, toArray } from 'rxjs';
import {
  createSystem,
  createVirtualClock,
  InvalidOptionError,
  isOk,
  type TaskResult,
  type VirtualClock,
} from '@troupe/core';
import { after } from '../support/virtual-time.js';
import { until } from './system-support.js';

/** Counts a stage's tasks running now, the most ever, and every input it ran. */
function counted(clock: VirtualClock, ms: number, run: (n: number) => number) {
  const seen = { now: 0, max: 0, ran: [] as number[] };
  const worker = async (n: number) => {
    seen.max = Math.max(seen.max, ++seen.now);
    await after(clock, ms, undefined);
    seen.now--;
    seen.ran.push(n);
    if (n % 5 === 0) throw new Error(`no ${n}`);
    return run(n);
  };
  return { seen, worker };
}

function twoStages(clock: VirtualClock) {
  const first = counted(clock, 10, (n) => n);
  const second = counted(clock, 10, (n) => n + 1000);
  const system = createSystem({
    pools: {
      first: { worker: first.worker, size: 4, queue: { capacity: Infinity } },
      second: { worker: second.worker, size: 4, queue: { capacity: Infinity } },
    },
    pipelines: { flow: ['first', 'second'] },
    clock,
  });
  return { system, first: first.seen, second: second.seen };
}

async function started(clock: VirtualClock, system: { start(): Promise<void> }) {
  const start = system.start();
  await clock.flush();
  await start;
}

describe('system.pipeline(name).process', () => {
  it('gives one result per item: the last stage value, or the error of the stage that failed it', async () => {
    const clock = createVirtualClock();
    const { system, second } = twoStages(clock);
    await started(clock, system);
    const results: TaskResult<number>[] = [];
    let done = false;
    system
      .pipeline('flow')
      .process(range(1, 12), { ordered: true })
      .subscribe({ next: (r) => results.push(r), complete: () => (done = true) });
    expect(await until(clock, () => done)).toBe(true);
    const shown = results.map((r) => (isOk(r) ? r.right : `${r.left._tag}: ${r.left.message}`));
    expect(shown).toEqual([
      1001,
      1002,
      1003,
      1004,
      'TaskFailed: task failed: Error: no 5',
      1006,
      1007,
      1008,
      1009,
      'TaskFailed: task failed: Error: no 10',
      1011,
      1012,
    ]);
    // Items failed at the first stage never reach the second.
    expect(second.ran.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 6, 7, 8, 9, 11, 12]);
    await system.close();
  });

  it('holds at most maxInFlight items inside, and at most concurrency at each stage', async () => {
    const clock = createVirtualClock();
    const { system, first, second } = twoStages(clock);
    await started(clock, system);
    const source = new Subject<number>();
    const out = lastValueFrom(
      system.pipeline('flow').process(source, { maxInFlight: 3 }).pipe(toArray()),
    );
    for (let n = 1; n <= 30; n++) source.next(n);
    source.complete();
    await until(clock, () => first.ran.length === 30);
    expect((await out).length).toBe(30);
    expect(first.max + second.max).toBeLessThanOrEqual(6);
    expect(first.max).toBeLessThanOrEqual(3);
    expect(second.max).toBeLessThanOrEqual(3);

    const again = twoStages(clock);
    await started(clock, again.system);
    const flowed = lastValueFrom(
      again.system.pipeline('flow').process(range(1, 30), { concurrency: 2 }).pipe(toArray()),
    );
    await until(clock, () => again.second.ran.length === 24);
    expect((await flowed).length).toBe(30);
    expect(again.first.max).toBe(2);
    expect(again.second.max).toBe(2);
    await Promise.all([system.close(), again.system.close()]);
  });

  it('throws InvalidOptionError for a bad option, naming it', () => {
    const clock = createVirtualClock();
    const { system } = twoStages(clock);
    const flow = system.pipeline('flow');
    const source = new Subject<number>();
    expect(() => flow.process(source, { concurrency: 0 })).toThrow(InvalidOptionError);
    expect(() => flow.process(source, { maxInFlight: 1.5 })).toThrow(/maxInFlight/);
    expect(() => flow.process(source, { ordered: 'yes' as never })).toThrow(/ordered/);
    expect(() => flow.process(source, { concurency: 2 } as never)).toThrow(/concurency/);
  });
});
