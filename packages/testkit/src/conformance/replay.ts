import { replayPool } from './check-pool.js';
import type { MakePool } from './pool-config.js';
import type { PoolTrace } from './trace.js';

/**
 * Plays a trace from a failed check again (`error.trace`, or the literal its message prints)
 * with the same `makePool`: resolves with what broke — the same `Violation` when the run is
 * deterministic — or `undefined` when it passes now (the bug is fixed).
 *
 * @example
 * const broke = await replay(trace, (options) => createPool(options));
 * expect(broke).toBeUndefined();
 */
export function replay(trace: PoolTrace, makePool: MakePool): Promise<Error | undefined> {
  return replayPool(trace, makePool);
}
