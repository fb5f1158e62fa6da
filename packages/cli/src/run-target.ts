import {
  createSystem,
  InvalidOptionError,
  InvalidSystemSpecError,
  type Pool,
  type PoolState,
  type System,
  type SystemSpec,
} from '@troupe/core';
import { CliError } from './cli-error.js';
import type { LoadedModule } from './load-module.js';

/** What `troupe run` runs: a system (made from a spec, or made by the module) or one pool. */
export interface RunTarget {
  readonly kind: 'system' | 'pool';
  readonly name: string;
  /** What the module's `run(system)` workload is given. */
  readonly handle: System | Pool<unknown, unknown>;
  /** The pools to show, by name, as they are now. */
  pools(): ReadonlyMap<string, Pool<unknown, unknown>>;
  /** The lifecycle state now. */
  state(): PoolState;
  /** Why it failed, when it did. */
  failure(): Error | undefined;
  /** Calls `listener` with each state (the current one first); returns the unsubscribe. */
  watch(listener: (state: PoolState) => void): () => void;
  start(): Promise<void>;
  close(options?: { abort?: boolean }): Promise<void>;
}

/** Where in a module the target comes from. */
export interface TargetExport {
  /** `default` or `system`. */
  readonly name: string;
  readonly value: unknown;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;
const isSystem = (value: unknown): value is System =>
  isObject(value) && typeof value.pool === 'function' && typeof value.reconfigure === 'function';
const isPool = (value: unknown): value is Pool<unknown, unknown> =>
  isObject(value) && typeof value.submit === 'function' && typeof value.resize === 'function';
const isSpec = (value: unknown): value is SystemSpec =>
  isObject(value) && isObject(value.pools) && typeof value.start !== 'function';

/** The module's default export, or its export `system`, that is a spec, a system or a pool. */
export function findTarget(module: LoadedModule): TargetExport {
  for (const name of ['default', 'system']) {
    const value = module.exports[name];
    if (isSpec(value) || isSystem(value) || isPool(value)) return { name, value };
  }
  const names = Object.keys(module.exports);
  throw new CliError(
    `${module.path}: no system to run: expected the default export, or an export named \`system\`, ` +
      'to be a system spec ({ pools: { … } }), a system (createSystem) or a pool (createPool); ' +
      `the module exports ${names.length === 0 ? 'nothing' : names.map((n) => `\`${n}\``).join(', ')}`,
  );
}

/** The target of `found`: a spec becomes a system here (its problems reported against the file). */
export function makeTarget(module: LoadedModule, found: TargetExport): RunTarget {
  const where = `${module.path} (export ${found.name})`;
  const value = found.value;
  if (isSystem(value)) return systemTarget(value);
  if (isPool(value)) return poolTarget(value);
  try {
    return systemTarget(createSystem(value as SystemSpec));
  } catch (error) {
    if (error instanceof InvalidSystemSpecError) {
      const lines = error.problems.map((p) => `  ${p.path}: ${p.message}`);
      throw new CliError(
        `${where}: invalid system spec (${error.problems.length === 1 ? '1 problem' : `${error.problems.length} problems`}):\n${lines.join('\n')}`,
        undefined,
        { cause: error },
      );
    }
    if (error instanceof InvalidOptionError)
      throw new CliError(`${where}: ${error.message}`, undefined, { cause: error });
    throw error;
  }
}

function systemTarget(system: System): RunTarget {
  return {
    kind: 'system',
    name: system.name,
    handle: system,
    pools: () =>
      new Map(Object.keys(system.getSnapshot().pools).map((name) => [name, system.pool(name)])),
    state: () => system.getSnapshot().state,
    failure: () => system.getSnapshot().failure,
    watch: (listener) => {
      const subscription = system.state$.subscribe(listener);
      return () => subscription.unsubscribe();
    },
    start: () => system.start(),
    close: (options) => system.close(options),
  };
}

function poolTarget(pool: Pool<unknown, unknown>): RunTarget {
  return {
    kind: 'pool',
    name: pool.name,
    handle: pool,
    pools: () => new Map([[pool.name, pool]]),
    state: () => pool.getSnapshot().state,
    failure: () => pool.getSnapshot().failure,
    watch: (listener) => {
      const subscription = pool.state$.subscribe(listener);
      return () => subscription.unsubscribe();
    },
    start: () =>
      new Promise<void>((resolve, reject) => {
        pool.start();
        const subscription = pool.state$.subscribe((state) => {
          if (state === 'running') resolve();
          else if (state === 'failed') reject(pool.getSnapshot().failure ?? new Error('failed'));
          else return;
          queueMicrotask(() => subscription.unsubscribe());
        });
      }),
    close: (options) => pool.close(options),
  };
}
