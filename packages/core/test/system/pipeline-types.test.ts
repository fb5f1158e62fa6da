/**
 * Types flow through a pipeline: stage k's output must be stage k+1's input, or `createPipeline`
 * does not type-check (`pnpm typecheck` covers this file: each `@ts-expect-error` must be an
 * error); `process` takes the first stage's input and gives the last stage's output.
 */
import { of, type Observable } from 'rxjs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  createBalancer,
  createPipeline,
  createPool,
  type Pipeline,
  type PipelineOutcome,
  type TaskSink,
} from '@troupe/core';

const fetchPool = createPool({ name: 'fetch', worker: async (url: string) => url.length });
const resizePool = createPool({ name: 'resize', worker: async (n: number) => ({ bytes: n }) });
const storePool = createPool({
  name: 'store',
  worker: async (image: { bytes: number }) => image.bytes > 0,
});

describe('pipeline types', () => {
  it('a chained list gives a pipeline from the first input to the last output', () => {
    const ingest = createPipeline([fetchPool, resizePool, storePool]);
    expectTypeOf(ingest).toEqualTypeOf<Pipeline<string, boolean>>();
    expectTypeOf(ingest.process(of('a'))).toEqualTypeOf<Observable<PipelineOutcome<boolean>>>();
    expectTypeOf(ingest.process(['a', 'b'])).toEqualTypeOf<Observable<PipelineOutcome<boolean>>>();
    expect(ingest.stages).toHaveLength(3);

    const one = createPipeline([fetchPool]);
    expectTypeOf(one).toEqualTypeOf<Pipeline<string, number>>();

    // A balancer is a stage like a pool; an output may be narrower than the next input.
    const api = createBalancer({ pools: [resizePool] });
    const wide = createPool({ worker: async (x: number | string) => String(x) });
    expectTypeOf(createPipeline([fetchPool, api, storePool])).toEqualTypeOf<
      Pipeline<string, boolean>
    >();
    expectTypeOf(createPipeline([fetchPool, wide])).toEqualTypeOf<Pipeline<string, string>>();
  });

  it('a list that does not chain is a type error', () => {
    // @ts-expect-error -- stage 0 gives a number, stage 1 takes { bytes }
    createPipeline([fetchPool, storePool]);
    // @ts-expect-error -- stage 1 gives { bytes }, stage 2 takes a string
    createPipeline([fetchPool, resizePool, fetchPool]);
    const wide = createPool({ worker: async (x: number | string) => String(x) });
    // @ts-expect-error -- stage 0 gives a string, stage 1 takes a number
    createPipeline([wide, resizePool]);
    // @ts-expect-error -- no stage at all
    expect(() => createPipeline([])).toThrow(/stages/);
  });

  it('process takes only the first stage’s input', () => {
    const ingest = createPipeline([fetchPool, resizePool]);
    // @ts-expect-error -- numbers, where the first stage takes strings
    expect(() => ingest.process(of(1, 2))).not.toThrow();
  });

  it('a list not known stage by stage (a system’s spec) type-checks, from unknown to unknown', () => {
    const dynamic: TaskSink<never, unknown>[] = [fetchPool, resizePool];
    expectTypeOf(createPipeline(dynamic)).toEqualTypeOf<Pipeline<unknown, unknown>>();
  });
});
