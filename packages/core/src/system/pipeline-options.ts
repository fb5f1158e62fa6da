/** A pipeline's options and stages, checked once; the default bound on items in flight. */
import { isObservable } from 'rxjs';
import { InvalidOptionError } from '../errors.js';
import { checkSize } from '../option-checks.js';
import { rejectUnknownOptions } from '../reject-unknown-options.js';
import type { AnySink } from './pipeline-stages.js';

/** How a pipeline runs its items. */
export interface PipelineOptions {
  /**
   * Names the pipeline in messages.
   * @default 'pipeline'
   */
  readonly name?: string;
  /**
   * Most items inside the pipeline at once — read from the source and not yet out, whichever
   * stage they are at. The source is read no faster than items come out.
   * @default each stage's workers plus as many again waiting (capped by its queue capacity), added over the stages: see `defaultMaxInFlight`
   */
  readonly maxInFlight?: number;
  /**
   * Emit outcomes in source order (an outcome waits for the ones before it) instead of as they
   * come out.
   * @default false
   */
  readonly ordered?: boolean;
}

/** The options with their defaults; `maxInFlight` is `undefined` until the stages' sizes are read. */
export interface PipelineConfig {
  readonly name: string;
  readonly maxInFlight: number | undefined;
  readonly ordered: boolean;
  /**
   * Most items at each stage at once (`through`'s `concurrency`); `undefined`: `through`'s own
   * window. Only a system pipeline sets it (its `process` option), not `createPipeline`.
   */
  readonly concurrency?: number;
}

/** Checks the stages and the options; throws `InvalidOptionError` naming the first bad one. */
export function resolvePipelineOptions(
  stages: readonly unknown[],
  options: PipelineOptions,
): PipelineConfig {
  if (!Array.isArray(stages) || stages.length === 0) {
    throw new InvalidOptionError(
      'stages',
      stages,
      'a non-empty array of sinks (pools, balancers), each output the next one’s input',
    );
  }
  stages.forEach((stage: unknown, i) => {
    if (!isSink(stage)) {
      throw new InvalidOptionError(
        `stages[${i}]`,
        stage,
        'a sink: a pool, a balancer, anything with submit, results$, getSnapshot and capacity',
      );
    }
  });
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('options', options, 'an object { name?, maxInFlight?, ordered? }');
  }
  rejectUnknownOptions('', options, ['name', 'maxInFlight', 'ordered']);
  const { name = 'pipeline', maxInFlight, ordered = false } = options;
  if (typeof name !== 'string' || name === '') {
    throw new InvalidOptionError('name', name, 'a non-empty string');
  }
  if (typeof ordered !== 'boolean')
    throw new InvalidOptionError('ordered', ordered, 'true or false');
  return {
    name,
    ordered,
    maxInFlight: maxInFlight === undefined ? undefined : checkSize('maxInFlight', maxInFlight),
  };
}

/**
 * The bound on items in flight when `maxInFlight` is not given: for each stage, its workers (a
 * dynamic pool's max) plus as many again waiting in its queue (no more than the queue holds) —
 * the window `through` gives a sink of its own — added over the stages. That keeps every worker
 * of every stage busy with its next task already queued behind it; more would only wait in
 * queues, costing memory and latency and no throughput. Read when `process` is called, so a
 * stage resized since the pipeline was made counts at its new size. At least 1.
 */
export function defaultMaxInFlight(stages: readonly AnySink[]): number {
  let bound = 0;
  for (const stage of stages) {
    const snapshot = stage.getSnapshot();
    const size = snapshot.bounds?.max ?? snapshot.size;
    bound += size + Math.min(size, stage.capacity);
  }
  return Math.max(1, bound);
}

function isSink(value: unknown): value is AnySink {
  if (typeof value !== 'object' || value === null) return false;
  const sink = value as Partial<Record<keyof AnySink, unknown>>;
  return (
    typeof sink.submit === 'function' &&
    typeof sink.getSnapshot === 'function' &&
    typeof sink.capacity === 'number' &&
    isObservable(sink.results$)
  );
}
