/**
 * A system's pipelines: a `createPipeline` over the stages found by name (`namedStage`), whose
 * results are the items' outcomes, and which the system stops taking input when it closes.
 */
import { Observable, Subject, map, takeUntil } from 'rxjs';
import { InvalidOptionError, PoolStateError } from '../errors.js';
import { checkSize } from '../option-checks.js';
import { rejectUnknownOptions } from '../reject-unknown-options.js';
import type { TaskResult } from '../result.js';
import { namedStage, type StageLookup } from './named-stage.js';
import { pipelineOf } from './pipeline.js';

/** How `process` runs its items. */
export interface PipelineProcessOptions {
  /**
   * Emit results in source order (a result waits for the ones before it) instead of as they
   * come out.
   * @default false
   */
  readonly ordered?: boolean;
  /**
   * Most items at each stage at once; the rest wait before it.
   * @default each stage's workers and as many again (capped by its queue), as `through` gives a pool
   */
  readonly concurrency?: number;
  /**
   * Most items inside the whole pipeline at once (read from the source and not yet out).
   * @default `concurrency` × the stages when `concurrency` is given; else `defaultMaxInFlight` of the stages
   */
  readonly maxInFlight?: number;
}

/** A pipeline of a system: items through its stages, each stage's output the next one's input. */
export interface SystemPipeline<TInput, TOutput> {
  readonly name: string;
  /** Its stages (pools or balancers), by name. */
  readonly stages: readonly string[];
  /**
   * Runs each item of `source$` through every stage (a `createPipeline` over them) and emits
   * one result per item: the last stage's `Right(output)`, or the `Left(TaskError)` of the
   * stage where it failed (later stages never see it). Backpressured: at most `maxInFlight`
   * items are inside, at most `concurrency` at each stage; the items `source$` pushes beyond
   * that wait before the first stage. Once the system closes, the pipeline takes no more items
   * from `source$`: what it holds goes on through the stages, then the result stream completes.
   * Unsubscribing cancels what is in flight. A stage is found by name for each item, so a
   * running stream follows a `reconfigure` that replaced it, or the replacement of a pool
   * closed through its own handle. Throws `InvalidOptionError` for a bad option; errors with
   * `PoolStateError` when subscribed after the system began closing.
   */
  process(
    source$: Observable<TInput>,
    options?: PipelineProcessOptions,
  ): Observable<TaskResult<TOutput>>;
}

/** A pipeline as the system keeps it. */
export interface PipelineHandle extends SystemPipeline<unknown, unknown> {
  /** Stops taking items from every source (the system closes). */
  stop(): void;
  /** Resolves when no `process` stream is running. */
  whenIdle(): Promise<void>;
}

/**
 * Makes pipeline `name` over `stages`; each stage is looked up by name on each call (see
 * `namedStage`), so a stream already running follows a reconfigure that replaced a stage.
 */
export function systemPipeline(
  name: string,
  stages: readonly string[],
  lookup: StageLookup,
): PipelineHandle {
  const sinks = stages.map((stage) => namedStage(stage, lookup));
  const stopped$ = new Subject<void>();
  let stopped = false;
  let running = 0;
  let idle: (() => void)[] = [];
  const settle = (): void => {
    if (--running === 0) for (const done of idle.splice(0)) done();
  };
  return {
    name,
    stages,
    process(source$, options = {}) {
      const { ordered, concurrency, maxInFlight } = checkProcessOptions(options, stages.length);
      const pipeline = pipelineOf<unknown, unknown>(sinks, {
        name,
        ordered,
        maxInFlight,
        ...(concurrency === undefined ? {} : { concurrency }),
      });
      return new Observable<TaskResult<unknown>>((subscriber) => {
        if (stopped) {
          subscriber.error(
            new PoolStateError(
              'process',
              'closing',
              `pipeline '${name}' is closed: its system is closing`,
            ),
          );
          return undefined;
        }
        running++;
        const subscription = pipeline
          .process(source$.pipe(takeUntil(stopped$)))
          .pipe(map((outcome) => outcome.result))
          .subscribe(subscriber);
        subscription.add(settle);
        return subscription;
      });
    },
    stop() {
      if (stopped) return;
      stopped = true;
      stopped$.next();
      stopped$.complete();
    },
    whenIdle() {
      if (running === 0) return Promise.resolve();
      return new Promise((resolve) => {
        idle = [...idle, resolve];
      });
    },
  };
}

/** `process`'s options checked (throws `InvalidOptionError` naming the first bad one), with the bound they make. */
function checkProcessOptions(
  options: PipelineProcessOptions,
  stageCount: number,
): { ordered: boolean; concurrency: number | undefined; maxInFlight: number | undefined } {
  if (typeof options !== 'object' || options === null)
    throw new InvalidOptionError(
      'options',
      options,
      'an object { ordered?, concurrency?, maxInFlight? }',
    );
  rejectUnknownOptions('', options, ['ordered', 'concurrency', 'maxInFlight']);
  const { ordered = false } = options;
  if (typeof ordered !== 'boolean')
    throw new InvalidOptionError('ordered', ordered, 'true or false');
  const concurrency =
    options.concurrency === undefined ? undefined : checkSize('concurrency', options.concurrency);
  const maxInFlight =
    options.maxInFlight === undefined
      ? concurrency === undefined
        ? undefined
        : concurrency * stageCount
      : checkSize('maxInFlight', options.maxInFlight);
  return { ordered, concurrency, maxInFlight };
}
