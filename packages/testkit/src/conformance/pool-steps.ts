import { describeBehaviour } from '../behaviour.js';
import type { PoolUnderTest } from './pool-under-test.js';
import type { TaskSpec } from './task-record.js';

/** One step of a pool run, as data: what a trace records and `replay` plays again. */
export type PoolStep =
  | { readonly op: 'start' }
  | { readonly op: 'submit'; readonly tasks: readonly TaskSpec[] }
  /** Aborts the signal of the `index`-th abortable task not settled yet (modulo how many). */
  | { readonly op: 'abort'; readonly index: number }
  | { readonly op: 'resize'; readonly size: number }
  /** Crashes the `index`-th worker that is up, from outside (its resource broke). */
  | { readonly op: 'crash'; readonly index: number }
  | { readonly op: 'close'; readonly timeoutMs?: number }
  | { readonly op: 'close-abort' }
  | { readonly op: 'advance'; readonly ms: number };

function describeTask(t: TaskSpec): string {
  const extras = [
    t.timeoutMs === undefined ? undefined : `timeout ${t.timeoutMs}`,
    t.abortable === true ? 'abortable' : undefined,
    t.priority === undefined ? undefined : `priority ${t.priority}`,
  ].filter((e) => e !== undefined);
  const b = describeBehaviour(t.behaviour);
  return extras.length === 0 ? b : `${b} [${extras.join(', ')}]`;
}

/** A step in words: `submit(ok, slow 50 ms [timeout 100])`, `advance(500)`. */
export function describeStep(step: PoolStep): string {
  switch (step.op) {
    case 'submit':
      return `submit(${step.tasks.map(describeTask).join(', ')})`;
    case 'abort':
    case 'crash':
      return `${step.op}(#${step.index})`;
    case 'resize':
      return `resize(${step.size})`;
    case 'close':
      return step.timeoutMs === undefined ? 'close()' : `close({ timeoutMs: ${step.timeoutMs} })`;
    case 'close-abort':
      return 'close({ abort: true })';
    case 'advance':
      return `advance(${step.ms})`;
    case 'start':
      return 'start()';
  }
}

/** Plays one step on the pool under test. */
export async function applyStep(put: PoolUnderTest, step: PoolStep): Promise<void> {
  switch (step.op) {
    case 'start':
      return put.start();
    case 'submit':
      for (const task of step.tasks) put.submit(task);
      return;
    case 'abort':
      return put.abort(step.index);
    case 'resize':
      return put.resize(step.size);
    case 'crash':
      return put.crash(step.index);
    case 'close':
      void put.close(step.timeoutMs === undefined ? {} : { timeoutMs: step.timeoutMs });
      return;
    case 'close-abort':
      void put.close({ abort: true });
      return;
    case 'advance':
      return put.advance(step.ms);
  }
}
