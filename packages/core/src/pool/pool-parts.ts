import type { ActorRefFrom, InspectionEvent, Observer } from 'xstate';
import { Engine } from '../engine/engine.js';
import { resolvePoolOptions, type PoolConfig, type PoolOptions } from './options.js';
import type { PoolMachineInput, poolMachine } from './pool-machine.js';

/** A pool actor: made by the handle (`createPool`), or spawned by a parent (a system). */
export type PoolActorRef = ActorRefFrom<typeof poolMachine>;

/**
 * A pool before its actor runs: its checked options, the engine that will run its tasks, and
 * the pool machine's input (the engine as its effects). `createPool` makes the actor from
 * `input` itself; a system spawns it as its child and builds the handle around that.
 */
export interface PoolParts<TInput, TOutput> {
  readonly config: PoolConfig<TInput, TOutput>;
  readonly engine: Engine<TInput, TOutput>;
  readonly input: PoolMachineInput;
  readonly inspect: Observer<InspectionEvent> | ((event: InspectionEvent) => void) | undefined;
}

/** Checks `options` (throws `InvalidOptionError`) and makes the pool's engine and machine input. */
export function preparePool<TInput, TOutput>(
  options: PoolOptions<TInput, TOutput, unknown>,
): PoolParts<TInput, TOutput> {
  const config = resolvePoolOptions(options);
  const engine = new Engine<TInput, TOutput>(config as unknown as PoolConfig<unknown, unknown>);
  const input: PoolMachineInput = {
    name: config.name,
    size: config.size,
    logic: config.logic as PoolConfig<unknown, unknown>['logic'],
    effects: engine,
    clock: config.clock,
    supervision: config.supervision,
    random: config.random,
  };
  return { config, engine, input, inspect: options.inspect };
}
