import { replayPool } from './check-pool.js';
import { replaySystem } from './check-system.js';
import type { MakePool } from './pool-config.js';
import type { MakeSystem } from './system-config.js';
import type { SystemTrace } from './system-trace.js';
import type { PoolTrace } from './trace.js';

/**
 * Plays a trace from a failed check again (`error.trace`, or the literal its message prints)
 * with the same `makePool` (or `makeSystem`): resolves with what broke — the same `Violation`
 * when the run is deterministic — or `undefined` when it passes now (the bug is fixed).
 *
 * @example
 * const broke = await replay(trace, (options) => createPool(options));
 * expect(broke).toBeUndefined();
 */
export function replay(trace: PoolTrace, makePool: MakePool): Promise<Error | undefined>;
export function replay(trace: SystemTrace, makeSystem: MakeSystem): Promise<Error | undefined>;
export function replay(
  trace: PoolTrace | SystemTrace,
  make: MakePool | MakeSystem,
): Promise<Error | undefined> {
  return trace.subject === 'pool'
    ? replayPool(trace, make as MakePool)
    : replaySystem(trace, make as MakeSystem);
}
