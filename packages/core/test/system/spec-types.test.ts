/**
 * Types flow from a spec (checked by `pnpm typecheck`, which covers test files): each member is
 * typed by its worker, unknown names do not compile, nor do pipelines whose stages do not chain.
 * The `@ts-expect-error` lines fail the typecheck if the error they expect goes away.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { createSystem, type Balancer, type Pool, type TaskResult } from '@troupe/core';
import type { Observable } from 'rxjs';

const toText = async (n: number) => String(n);
const length = async (s: string) => s.length;
const doubleAll = async (xs: number[]) => xs.map((x) => x * 2);

const spec = {
  pools: {
    count: { worker: toText, size: 2 },
    measure: { worker: length },
    batched: { worker: doubleAll, batch: { size: 10, maxWaitMs: 5 } },
    other: { worker: async (n: number) => `#${n}` },
  },
  balancers: {
    texts: { pools: ['count', 'other'] },
    outer: { pools: ['texts', 'count'] },
  },
  pipelines: { ok: ['count', 'measure'], viaBalancer: ['outer', 'measure'] },
} as const;

describe('spec types', () => {
  it('types each member from the spec', () => {
    const system = createSystem(spec);
    expectTypeOf(system.pool('count')).toEqualTypeOf<Pool<number, string>>();
    expectTypeOf(system.pool('measure')).toEqualTypeOf<Pool<string, number>>();
    // A batch pool takes and gives items.
    expectTypeOf(system.pool('batched')).toEqualTypeOf<Pool<number, number>>();
    expectTypeOf(system.balancer('texts')).toEqualTypeOf<Balancer<number, string>>();
    expectTypeOf(system.balancer('outer')).toEqualTypeOf<Balancer<number, string>>();
    type Ok = ReturnType<typeof system.pipeline<'ok'>>;
    expectTypeOf<Parameters<Ok['process']>[0]>().toEqualTypeOf<Observable<number>>();
    type Via = ReturnType<typeof system.pipeline<'viaBalancer'>>;
    expectTypeOf<ReturnType<Via['process']>>().toEqualTypeOf<Observable<TaskResult<number>>>();
    // Names that are not there are type errors (and RangeErrors at run time).
    // @ts-expect-error no pool 'nope'
    expect(() => system.pool('nope')).toThrow(RangeError);
    // @ts-expect-error a balancer is not a pool
    expect(() => system.pool('texts')).toThrow(RangeError);
    // @ts-expect-error no pipeline 'count'
    expect(() => system.pipeline('count')).toThrow(RangeError);
  });

  it('does not compile a pipeline whose stages do not chain', () => {
    expect(() =>
      createSystem({
        pools: {
          count: { worker: toText },
          measure: { worker: length },
          shout: { worker: async (s: string) => s.toUpperCase() },
        },
        pipelines: {
          fine: ['count', 'shout', 'measure'],
          // @ts-expect-error stage 'shout' does not take what stage 'measure' gives
          backwards: ['count', 'measure', 'shout'],
        },
      }),
    ).not.toThrow();
  });

  it('does not compile a member or a stage that names nothing', () => {
    expect(() =>
      createSystem({
        pools: { count: { worker: toText } },
        balancers: {
          // @ts-expect-error 'counts' names no pool or balancer
          b: { pools: ['count', 'counts'] },
        },
      }),
    ).toThrow(/counts/);
    expect(() =>
      createSystem({
        pools: { count: { worker: toText } },
        pipelines: {
          // @ts-expect-error 'nowhere' names no pool or balancer
          p: ['count', 'nowhere'],
        },
      }),
    ).toThrow(/nowhere/);
  });

  it('takes a spec typed as a plain SystemSpec (names then are any string)', () => {
    const built: import('@troupe/core').SystemSpec = { pools: { a: { worker: toText } } };
    const system = createSystem(built);
    expectTypeOf<Parameters<typeof system.pool>[0]>().toEqualTypeOf<string>();
    expect(system.pool('a').name).toBe('a');
  });
});
