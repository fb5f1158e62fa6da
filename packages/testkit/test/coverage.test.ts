import { afterEach, describe, expect, it } from 'vitest';
import { createPool, poolMachine, supervisorMachine, WorkerCrashedError } from '@troupe/core';
import {
  createTestClock,
  createTransitionCoverage,
  disposeTestClocks,
  formatCoverage,
  legalChanges,
  machineEdges,
  mergeCoverage,
} from '@troupe/testkit';

afterEach(() => disposeTestClocks());

describe('transition coverage', () => {
  it('lists every transition of a machine, eventless ones included', () => {
    const keys = machineEdges(poolMachine).map((e) => e.key);
    expect(keys).toContain('pool.stopped --pool.start--> pool.starting');
    expect(keys.some((k) => k.includes('--always-->'))).toBe(true);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("reads the pool's lifecycle from its machine, with the changes an eventless step makes in passing", () => {
    expect([...legalChanges(poolMachine)].sort()).toEqual([
      'closing>stopped',
      'failed>closing',
      'failed>running', // through starting, with no worker to wait for
      'failed>starting',
      'failed>stopped', // through closing, with no worker left to stop
      'running>closing',
      'running>failed',
      'running>stopped',
      'starting>closing',
      'starting>failed',
      'starting>running',
      'starting>stopped',
      'stopped>running',
      'stopped>starting',
    ]);
  });

  it('counts the transitions a pool and its supervisor took, and names those never taken', async () => {
    const clock = createTestClock();
    const coverage = createTransitionCoverage([poolMachine, supervisorMachine]);
    const pool = createPool<string, string>({
      worker: async (s) => {
        if (s === 'crash') throw new WorkerCrashedError('broken');
        return s;
      },
      clock,
      inspect: coverage.inspect,
    }).start();
    void pool.submit('crash');
    await clock.runUntilSettled(pool.close());
    const report = coverage.report();
    const [p, s] = report.machines;
    expect(p?.covered.get('pool.stopped --pool.start--> pool.starting')).toBe(1);
    expect(p?.missed).toContain('pool.running --pool.resize--> pool.running');
    expect(s?.covered.size).toBeGreaterThan(0);
    expect(p!.covered.size + p!.missed.length).toBe(p?.total);
    const twice = mergeCoverage([report, report]);
    expect(twice.machines[0]?.covered.get('pool.stopped --pool.start--> pool.starting')).toBe(2);
    expect(formatCoverage(report)).toMatch(/^pool: \d+\/\d+ transitions[^\n]*\n {2}never: /);
  });
});
