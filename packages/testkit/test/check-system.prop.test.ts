/**
 * Troupe's systems keep the promises `checkSystem` holds them to; a system whose pools restart
 * once too often is caught, shrunk and replayed.
 */
import { describe, expect, it } from 'vitest';
import { createSystem } from '@troupe/core';
import {
  arbSystemSpec,
  checkSystem,
  ConformanceError,
  replay,
  Violation,
  type CheckedSystemSpec,
  type MakeSystem,
  type SystemTrace,
} from '@troupe/testkit';

const spec: CheckedSystemSpec = {
  pools: {
    db: { size: 1, supervision: { maxRestarts: 1, backoff: { minMs: 0, maxMs: 0, jitter: 0 } } },
    web: { size: 2, timeoutMs: 100 },
  },
  balancers: { front: { pools: ['db', 'web'] } },
  pipelines: { page: ['web', 'db'] },
  supervision: { maxRestarts: 2, withinMs: 60_000, backoff: { minMs: 10, maxMs: 10, jitter: 0 } },
};

describe('checkSystem', () => {
  it('a system of two pools, a balancer and a pipeline keeps every promise', async () => {
    const report = await checkSystem(createSystem, { spec, runs: 150, seed: 5 });
    expect([report.failure, report.subject]).toEqual([undefined, 'system']);
    const system = report.coverage?.machines.find((m) => m.machine === 'system');
    expect(system?.covered.size).toBeGreaterThan(5);
  });

  it('systems of any valid spec keep every promise', async () => {
    const report = await checkSystem(createSystem, { spec: arbSystemSpec(), runs: 100, seed: 6 });
    expect(report.failure).toBeUndefined();
  });

  it('finds a system whose restart limit is off by one, shrunk to a trace that replays', async () => {
    // A pool that fails at its first crash; the system restarts it once within a minute.
    const fragile: CheckedSystemSpec = {
      pools: { db: { size: 1, supervision: { maxRestarts: 0 } }, web: { size: 1 } },
      supervision: { maxRestarts: 1, backoff: { minMs: 10, maxMs: 10, jitter: 0 } },
    };
    const lenient: MakeSystem = (s) =>
      createSystem({ ...s, supervision: { ...s.supervision, maxRestarts: 2 } });
    const error = await checkSystem(lenient, { spec: fragile, runs: 1_000, seed: 7 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConformanceError);
    const failure = (error as ConformanceError<SystemTrace>).failure;
    expect((failure.error as Violation).guarantee).toBe('restarts');
    expect(failure.trace.steps.length).toBeLessThanOrEqual(10);
    expect((error as Error).message).toMatch(/^checkSystem: restarts: /);
    expect((await replay(failure.trace, lenient))?.message).toBe(failure.error.message);
    expect(await replay(failure.trace, createSystem)).toBeUndefined();
  });
});
