/**
 * A system's pipelines behind one seam: `process(source$)` runs each item through the stages in
 * turn with `through` (backpressured at each stage) and emits the last stage's results. When
 * `createPipeline` lands, this file builds one over the stages instead; the system only needs
 * `process`, `stop` and `whenIdle`.
 */
import { Observable, Subject, connect, filter, map, merge, takeUntil } from 'rxjs';
import { PoolStateError } from '../errors.js';
import { isOk, type TaskResult } from '../result.js';
import { through, type ThroughOptions } from '../streams/through.js';
import { namedStage, type StageLookup } from './named-stage.js';

/** How `process` feeds each stage (`through`'s options). */
export type PipelineProcessOptions = Pick<ThroughOptions, 'ordered' | 'concurrency'>;

/** A pipeline of a system: items through its stages, each stage's output the next one's input. */
export interface SystemPipeline<TInput, TOutput> {
  readonly name: string;
  /** Its stages (pools or balancers), by name. */
  readonly stages: readonly string[];
  /**
   * Runs each item of `source$` through every stage and emits one result per item: the last
   * stage's `Right(output)`, or the `Left(TaskError)` of the stage where it failed (later stages
   * never see it). Each stage holds at most `concurrency` items (`through`'s default: its size
   * and as many again); the rest wait before it. Once the system closes, the pipeline takes no
   * more items from `source$`: what it holds goes on through the stages, then the result
   * stream completes. Unsubscribing cancels what is in flight. A stage is found by name for
   * each item, so a running stream follows a `reconfigure` that replaced it. Errors with `PoolStateError` when
   * subscribed after the system began closing.
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
        const [first, ...rest] = sinks;
        let out$ = source$.pipe(takeUntil(stopped$), through(first!, options));
        for (const sink of rest) {
          out$ = out$.pipe(
            connect((results$) =>
              merge(
                results$.pipe(filter((r) => !isOk(r))),
                results$.pipe(
                  filter(isOk),
                  map((r) => r.right),
                  through(sink, options),
                ),
              ),
            ),
          );
        }
        const subscription = out$.subscribe(subscriber);
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
