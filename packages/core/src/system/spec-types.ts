/**
 * The types that flow from a system spec: each pool's and balancer's input and output, the
 * names a spec declares, and the checks `createSystem` makes at compile time — members and
 * stages that name nothing, pipelines whose stages do not chain. Types only: nothing here runs.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- `any` in infer positions: worker functions of any input */
import type { Left, Right } from '../result.js';
import type { WorkerLogic } from '../worker/worker-logic.js';
import type { BalancerEntry, SystemSpec } from './system-spec.js';

type PoolsOf<S> = S extends { readonly pools: infer P } ? P : never;
type BalancersOf<S> = S extends { readonly balancers?: infer B } ? NonNullable<B> : never;
type PipelinesOf<S> = S extends { readonly pipelines?: infer P } ? NonNullable<P> : never;

/** The names of a spec's pools. */
export type PoolName<S> = keyof PoolsOf<S> & string;
/** The names of a spec's balancers. */
export type BalancerName<S> = keyof BalancersOf<S> & string;
/** The names of a spec's pipelines. */
export type PipelineName<S> = keyof PipelinesOf<S> & string;
/** What a balancer member or a pipeline stage may name: a pool or a balancer. */
export type SinkName<S> = PoolName<S> | BalancerName<S>;

type WorkerOf<E> = E extends { readonly worker: infer W } ? W : never;
type WorkerInput<W> = W extends (input: infer I, ...rest: any[]) => any
  ? I
  : W extends WorkerLogic<infer I, any, any>
    ? I
    : never;
type WorkerOutput<W> = W extends (...args: any[]) => infer R
  ? Awaited<R>
  : W extends WorkerLogic<any, infer O, any>
    ? Awaited<O>
    : never;
type ElementOf<A> = A extends readonly (infer X)[] ? X : never;
/** A batch worker's result for one item: a value, or an `Either` of one. */
type ItemOf<X> = X extends Left<unknown> ? never : X extends Right<infer O> ? O : X;
type IsBatch<E> = E extends { readonly batch: object } ? true : false;

/** What a pool entry takes per task (a batch pool: per item). */
export type EntryInput<E> =
  IsBatch<E> extends true ? ElementOf<WorkerInput<WorkerOf<E>>> : WorkerInput<WorkerOf<E>>;
/** What a pool entry gives per task (a batch pool: per item). */
export type EntryOutput<E> =
  IsBatch<E> extends true
    ? ItemOf<ElementOf<WorkerOutput<WorkerOf<E>>>>
    : WorkerOutput<WorkerOf<E>>;

type MembersOf<B> = B extends { readonly pools: infer M extends readonly string[] } ? M : never;
/** Nesting deeper than this is not followed (a cycle is a runtime error; this keeps tsc finite). */
type Deep = [0, 0, 0, 0, 0, 0];

/** What every member of `M` takes: a task for the balancer must suit whichever member gets it. */
type AllInputs<S, M extends readonly string[], D extends unknown[]> = M extends readonly [
  infer H extends string,
  ...infer T extends readonly string[],
]
  ? SinkInputAt<S, H, D> & AllInputs<S, T, D>
  : M extends readonly []
    ? unknown
    : SinkInputAt<S, M[number], D>;

/** `true` when `N` is any string (a spec not declared `as const`): nothing to check by name. */
type Wide<N> = string extends N ? true : false;

type SinkInputAt<S, N, D extends unknown[]> =
  Wide<N> extends true
    ? unknown
    : N extends PoolName<S>
      ? EntryInput<PoolsOf<S>[N]>
      : N extends BalancerName<S>
        ? D['length'] extends Deep['length']
          ? unknown
          : AllInputs<S, MembersOf<BalancersOf<S>[N]>, [...D, 0]>
        : never;

type SinkOutputAt<S, N, D extends unknown[]> =
  Wide<N> extends true
    ? unknown
    : N extends PoolName<S>
      ? EntryOutput<PoolsOf<S>[N]>
      : N extends BalancerName<S>
        ? D['length'] extends Deep['length']
          ? unknown
          : SinkOutputAt<S, MembersOf<BalancersOf<S>[N]>[number], [...D, 0]>
        : never;

/** What the pool or balancer `N` of spec `S` takes per task. */
export type SinkInput<S, N> = SinkInputAt<S, N, []>;
/** What the pool or balancer `N` of spec `S` gives per task (a balancer: any of its members'). */
export type SinkOutput<S, N> = SinkOutputAt<S, N, []>;

type First<T> = T extends readonly [infer H, ...unknown[]]
  ? H
  : T extends readonly (infer X)[]
    ? X
    : never;
type Last<T> = T extends readonly [...unknown[], infer L]
  ? L
  : T extends readonly (infer X)[]
    ? X
    : never;

/** What pipeline `N` of a system takes per item: its first stage's input. */
export type SystemPipelineInput<S, N> = SinkInput<
  S,
  First<PipelinesOf<S>[N & keyof PipelinesOf<S>]>
>;
/** What pipeline `N` of a system gives per item: its last stage's output. */
export type SystemPipelineOutput<S, N> = SinkOutput<
  S,
  Last<PipelinesOf<S>[N & keyof PipelinesOf<S>]>
>;

/** The first pair of stages of `T` that do not chain, as a message; `never` when all do. */
export type ChainProblem<S, T> = T extends readonly [
  infer A extends string,
  infer B extends string,
  ...infer R extends readonly string[],
]
  ? [SinkOutput<S, A>] extends [SinkInput<S, B>]
    ? ChainProblem<S, readonly [B, ...R]>
    : `stage '${B}' does not take what stage '${A}' gives`
  : never;

/**
 * The compile-time checks of a spec, intersected with it in `createSystem`'s parameter: a
 * member or stage that names no pool or balancer, and a pipeline whose stages do not chain
 * (its type becomes the message), fail to type-check where they are written. A spec whose
 * names are plain `string`s (declared apart without `as const`) is checked at run time only.
 */
export type ValidSpec<S> = {
  readonly balancers?: {
    readonly [B in keyof BalancersOf<S>]: Wide<MembersOf<BalancersOf<S>[B]>[number]> extends true
      ? BalancerEntry
      : BalancerEntry<SinkName<S>>;
  };
  readonly pipelines?: {
    readonly [P in keyof PipelinesOf<S>]: Wide<ElementOf<PipelinesOf<S>[P]>> extends true
      ? readonly string[]
      : [ChainProblem<S, PipelinesOf<S>[P]>] extends [never]
        ? readonly SinkName<S>[]
        : // Not assignable from the stages: the compiler's message quotes the problem.
          readonly SinkName<S>[] & {
            readonly stagesDoNotChain: ChainProblem<S, PipelinesOf<S>[P]>;
          };
  };
};

/** A spec as `createSystem` checks it. */
export type CheckedSpec<S extends SystemSpec> = S & NoInfer<ValidSpec<S>>;
