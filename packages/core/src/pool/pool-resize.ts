import type { PoolActorRef } from './pool-parts.js';
import { InvalidOptionError, PoolStateError } from '../errors.js';
import { checkSize } from '../option-checks.js';
import { rejectUnknownOptions } from '../reject-unknown-options.js';
import { checkBounds, dryRunAtZero, type SizingConfig } from '../scaling/sizing-options.js';
import type { PoolEngine } from './pool-engine.js';
import type { PoolState } from './pool-events.js';
import type { PoolLifecycle } from './pool-lifecycle.js';

/** What `resize()` takes: a number of workers, or a dynamic pool's new bounds. */
export type ResizeRequest = number | { readonly min?: number; readonly max?: number };

/** What a resize works on. */
export interface ResizeParts {
  readonly name: string;
  /** A dynamic pool's sizing (its bounds move with `resize({ min, max })`); `undefined` when fixed. */
  readonly sizing: SizingConfig | undefined;
  readonly actor: PoolActorRef;
  readonly engine: Pick<
    PoolEngine<unknown, unknown>,
    'readyCount' | 'liveCount' | 'bounds' | 'setBounds' | 'boundsChanged'
  >;
  readonly state: PoolState;
  readonly lifecycle: Pick<PoolLifecycle, 'until'>;
}

/**
 * `Pool.resize`: checks the request (throws `InvalidOptionError`), asks the pool machine for the
 * new size, and resolves when the pool has the latest requested number of workers ready.
 * Rejects with `PoolStateError` unless the pool is starting or running.
 */
export function resizePool(parts: ResizeParts, size: ResizeRequest): Promise<void> {
  const { name, sizing, actor, engine, state } = parts;
  const bounds = checkResize(name, sizing, engine.bounds, size);
  if (state !== 'starting' && state !== 'running') {
    return Promise.reject(
      new PoolStateError('resize', state, `cannot resize pool '${name}' while it is ${state}`),
    );
  }
  let to: number;
  if (bounds !== undefined) {
    // The engine owns the bounds; the pool machine then resizes into them.
    engine.setBounds(bounds[0], bounds[1]);
    to = Math.min(bounds[1], Math.max(bounds[0], actor.getSnapshot().context.size));
  } else to = size as number;
  // Every pending resize settles when the pool reaches the latest requested size.
  const done = (): boolean => {
    const target = actor.getSnapshot().context.size;
    // (The O(1) count first: this runs after every step of the pool actor.)
    return engine.readyCount() === target && engine.liveCount() === target;
  };
  actor.send({ type: 'pool.resize', size: to });
  if (bounds !== undefined) engine.boundsChanged();
  return parts.lifecycle.until(done, 'resize');
}

/** Throws unless `size` suits the pool; the new bounds when it asks for bounds. */
function checkResize(
  name: string,
  sizing: SizingConfig | undefined,
  current: { readonly min: number; readonly max: number } | undefined,
  size: ResizeRequest,
): [number, number] | undefined {
  if (typeof size === 'object' && size !== null) {
    if (sizing === undefined || current === undefined) {
      throw new InvalidOptionError(
        'size',
        size,
        `a number: pool '${name}' has a fixed size (create it with size: { min, max } to give it bounds)`,
      );
    }
    rejectUnknownOptions('resize', size, ['min', 'max']);
    const bounds = checkBounds(size.min ?? current.min, size.max ?? current.max, 'resize.');
    if (bounds[0] === 0 && sizing.dryRun) throw dryRunAtZero('resize.min');
    return bounds;
  }
  if (current === undefined) checkSize('size', size);
  else if (!Number.isInteger(size) || size < current.min || size > current.max) {
    // A dynamic pool's bounds say it all (its min may be 0).
    throw new InvalidOptionError(
      'size',
      size,
      `a whole number from ${current.min} to ${current.max} (the pool's bounds; resize({ min, max }) moves them)`,
    );
  }
  return undefined;
}
