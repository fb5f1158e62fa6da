import type { CloseOptions } from '@troupe/core';
import { describeStep, type PoolStep } from './pool-steps.js';
import type { SystemUnderTest } from './system-under-test.js';

/** One step of a system run, as data: the system's own, or a pool step on one named pool. */
export type SystemStep =
  | { readonly op: 'start' }
  | { readonly op: 'close'; readonly timeoutMs?: number }
  | { readonly op: 'close-abort' }
  | { readonly op: 'advance'; readonly ms: number }
  | {
      readonly op: 'pool';
      readonly pool: string;
      readonly step: Extract<PoolStep, { op: 'submit' | 'abort' | 'resize' | 'crash' }>;
    };

/** A step in words: `system.start()`, `pool('db').submit(ok)`. */
export function describeSystemStep(step: SystemStep): string {
  switch (step.op) {
    case 'start':
      return 'system.start()';
    case 'close':
      return step.timeoutMs === undefined
        ? 'system.close()'
        : `system.close({ timeoutMs: ${step.timeoutMs} })`;
    case 'close-abort':
      return 'system.close({ abort: true })';
    case 'advance':
      return `advance(${step.ms})`;
    case 'pool':
      return `pool('${step.pool}').${describeStep(step.step)}`;
  }
}

/** Plays one step on the system under test. */
export async function applySystemStep(sut: SystemUnderTest, step: SystemStep): Promise<void> {
  switch (step.op) {
    case 'start':
      return sut.start();
    case 'close':
    case 'close-abort': {
      const options: CloseOptions =
        step.op === 'close-abort'
          ? { abort: true }
          : step.timeoutMs === undefined
            ? {}
            : { timeoutMs: step.timeoutMs };
      void sut.close(options);
      return;
    }
    case 'advance':
      return sut.advance(step.ms);
    case 'pool': {
      const put = sut.pools.get(step.pool);
      if (put === undefined) return;
      const s = step.step;
      if (s.op === 'submit') for (const task of s.tasks) put.submit(task);
      else if (s.op === 'abort') put.abort(s.index);
      else if (s.op === 'resize') put.resize(s.size);
      else put.crash(s.index);
      return;
    }
  }
}
