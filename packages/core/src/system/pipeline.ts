/**
 * `createPipeline`: sinks in a row. Each item runs on stage 1, its output on stage 2, and so on;
 * what comes out is the last stage's output, or the error of the stage that failed it. Each stage
 * is fed by `through` (its backpressure, its retries when a queue is full, its cancellation), and
 * one `SourceGate` bounds the items inside the whole pipeline.
 */
import { map, Observable } from 'rxjs';
import { InvalidOptionError } from '../errors.js';
import { err, ok, unwrap, type TaskResult } from '../result.js';
import { through } from '../streams/through.js';
import {
  defaultMaxInFlight,
  resolvePipelineOptions,
  type PipelineConfig,
  type PipelineOptions,
} from './pipeline-options.js';
import type { AnySink, ChainCheck, PipelineInput, PipelineOutput } from './pipeline-stages.js';
import { isPipelineSource, SourceGate, type PipelineSource } from './source-gate.js';
import { stageSink, type Carried } from './stage-sink.js';

/**
 * What a pipeline emits for each item: its place in the source, and what the last stage gave or
 * the error of the stage that stopped it. An item that fails at a stage is not given to the
 * stages after it; it comes out as its own outcome, never dropped.
 */
export interface PipelineOutcome<TOutput> {
  /** The item's place in the source, from 0. */
  readonly index: number;
  /** The stage that gave `result`: the last one for a value, the failing one for an error. */
  readonly stage: number;
  /** That stage's sink's `name`. */
  readonly stageName: string;
  /** `Right(output of the last stage)`, or `Left(TaskError)` from stage `stage`. */
  readonly result: TaskResult<TOutput>;
  /** For an error only: what stage `stage` was given (the source item when it is the first). */
  readonly input?: unknown;
}

/** Stages of sinks run in a row over a stream of items, with a bound on the items inside. */
export interface Pipeline<TInput, TOutput> {
  readonly name: string;
  /** The stages, in order. */
  readonly stages: readonly AnySink[];
  /** `maxInFlight` as given; `undefined` when each `process` reads the default from the stages. */
  readonly maxInFlight: number | undefined;
  readonly ordered: boolean;
  /**
   * Runs every item of `source` through the stages: an Observable of one `PipelineOutcome` per
   * item, backpressured. Cold: each subscription reads the source anew.
   *
   * - At most `maxInFlight` items are inside at once (read and not yet out). An iterable or an
   *   async iterable (a generator, a stream) is read only as room frees; an Observable pushes and
   *   cannot be paused, so the items it pushes beyond the bound wait in the pipeline, before the
   *   first stage — give it an iterable when the source is large.
   * - Completes once the source has completed and every item is out.
   * - A source error waits for the items already read to come out, then is passed on: an item
   *   half-way through is not cut off between two stages.
   * - Unsubscribing cancels the tasks in flight at every stage (`TaskCancelled`, cause
   *   `ThroughUnsubscribedError`), stops reading the source (an iterator's `return()` is called),
   *   and emits nothing more.
   * - A stage that is closed (or closes while items wait for it) refuses them:
   *   they come out as `Left(TaskRejected('pool-closed'))` at that stage.
   */
  process(source: PipelineSource<TInput>): Observable<PipelineOutcome<TOutput>>;
}

class PipelineHandle<TInput, TOutput> implements Pipeline<TInput, TOutput> {
  readonly name: string;
  readonly stages: readonly AnySink[];
  readonly maxInFlight: number | undefined;
  readonly ordered: boolean;
  readonly #concurrency: number | undefined;

  constructor(stages: readonly AnySink[], config: PipelineConfig) {
    this.stages = [...stages];
    this.name = config.name;
    this.maxInFlight = config.maxInFlight;
    this.ordered = config.ordered;
    this.#concurrency = config.concurrency;
  }

  process(source: PipelineSource<TInput>): Observable<PipelineOutcome<TOutput>> {
    if (!isPipelineSource(source)) {
      throw new InvalidOptionError(
        'source',
        source,
        'an Observable, an iterable or an async iterable of items',
      );
    }
    const { stages, ordered } = this;
    const concurrency = this.#concurrency;
    const feed = concurrency === undefined ? { ordered } : { ordered, concurrency };
    const last = stages.length - 1;
    const lastName = stages[last]!.name;
    return new Observable<PipelineOutcome<TOutput>>((subscriber) => {
      const gate = new SourceGate(source, this.maxInFlight ?? defaultMaxInFlight(stages));
      let index = 0;
      let items = gate.items$.pipe(map((value): Carried => ({ index: index++, value })));
      stages.forEach((stage, k) => {
        items = items.pipe(through(stageSink(stage, k), feed), map(unwrap));
      });
      return items.subscribe({
        next: (item) => {
          subscriber.next(outcomeOf<TOutput>(item, last, lastName));
          gate.release();
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          if (gate.failure === undefined) subscriber.complete();
          else subscriber.error(gate.failure.error);
        },
      });
    });
  }
}

function outcomeOf<TOutput>(
  item: Carried,
  last: number,
  lastName: string,
): PipelineOutcome<TOutput> {
  const { index, failed } = item;
  if (failed === undefined) {
    return { index, stage: last, stageName: lastName, result: ok(item.value as TOutput) };
  }
  const { stage, name, input, error } = failed;
  return { index, stage, stageName: name, result: err(error), input };
}

/**
 * Makes a pipeline over `stages`: any sinks (pools, balancers), each one's output the next one's
 * input — a list that does not chain is a type error. It starts and closes nothing: the stages
 * are the caller's. Throws `InvalidOptionError` for an empty list, a stage that is not a sink, or
 * a bad option.
 * @example
 * const ingest = createPipeline([fetchPool, resizePool, storePool], { name: 'ingest', maxInFlight: 64 });
 * ingest.process(urls).subscribe(({ index, stageName, result }) => ...);
 */
export function createPipeline<const S extends readonly AnySink[]>(
  stages: S & NoInfer<ChainCheck<S>>,
  options: PipelineOptions = {},
): Pipeline<PipelineInput<S>, PipelineOutput<S>> {
  const config = resolvePipelineOptions(stages, options);
  return new PipelineHandle(stages, config);
}

/**
 * A pipeline over `stages` with a config already checked (a system's, whose stages are found by
 * name and whose `concurrency` bounds each stage): what `createPipeline` makes. Not public.
 */
export function pipelineOf<TInput, TOutput>(
  stages: readonly AnySink[],
  config: PipelineConfig,
): Pipeline<TInput, TOutput> {
  return new PipelineHandle(stages, config);
}
