/**
 * The types that make a pipeline's stages chain: stage k's output must be stage k+1's input, or
 * `createPipeline` does not type-check. Types only.
 */
import type { TaskSink } from '../sink.js';

/** Any sink, whatever it takes and gives: what a stage list is made of. */
export type AnySink = TaskSink<never, unknown>;

/** What a sink takes. */
export type InputOf<S> = S extends TaskSink<infer I, unknown> ? I : never;

/** What a sink gives. */
export type OutputOf<S> = S extends TaskSink<never, infer O> ? O : never;

/** What a pipeline over `S` takes: its first stage's input (`unknown` for a list whose stages are not known one by one). */
export type PipelineInput<S extends readonly AnySink[]> = S extends readonly [
  infer First,
  ...unknown[],
]
  ? InputOf<First>
  : unknown;

/** What a pipeline over `S` gives: its last stage's output (`unknown` for a list whose stages are not known one by one). */
export type PipelineOutput<S extends readonly AnySink[]> = S extends readonly [
  ...unknown[],
  infer Last,
]
  ? OutputOf<Last>
  : unknown;

/** The type error a stage list gets when stage `Stage`'s output is not what the next stage takes. */
export interface StageMismatch<Stage extends number, Output, NextInput> {
  readonly 'a stage gives what the next stage does not take': {
    readonly stage: Stage;
    readonly output: Output;
    readonly nextInput: NextInput;
  };
}

/** The type error an empty stage list gets. */
export interface NoStages {
  readonly 'a pipeline needs at least one stage': never;
}

/**
 * `unknown` (no constraint) when every stage's output can be given to the next stage; otherwise
 * a type no stage list has, naming the first stage whose output does not fit. Lists whose stages
 * are not known one by one (`AnySink[]`) are checked when the pipeline is made, not here.
 */
export type ChainCheck<
  S extends readonly unknown[],
  Seen extends unknown[] = [],
> = S extends readonly []
  ? NoStages
  : S extends readonly [infer A, infer B, ...infer Rest]
    ? [OutputOf<A>] extends [InputOf<B>]
      ? ChainCheck<[B, ...Rest], [...Seen, A]>
      : StageMismatch<Seen['length'], OutputOf<A>, InputOf<B>>
    : unknown;
