/** Workers and recorders for system tests. */
import { fromAsync, WorkerCrashedError, type SystemEvent, type VirtualClock } from '@troupe/core';
import type { Observable } from 'rxjs';

/**
 * A worker whose setup fails while `down.has(name)`, and that crashes on a negative input
 * (`WorkerCrashedError`); with `maxRestarts: 0` on its pool, the pool fails at the first
 * crash or failed setup (past its own limit at once).
 */
export function switchable(name: string, down: Set<string>, started: string[] = []) {
  return fromAsync({
    setup: () => {
      if (down.has(name)) throw new Error(`${name} is down`);
      started.push(name);
    },
    run: async (n: number) => {
      if (n < 0) throw new WorkerCrashedError(`${name} broke`);
      return n;
    },
  });
}

/** A pool entry of a pool that fails as soon as its setup does (no restart of its own). */
export function fragile(name: string, down: Set<string>, started: string[] = []) {
  return {
    worker: switchable(name, down, started),
    supervision: { maxRestarts: 0 },
  } as const;
}

/** Records `events$` as short strings: `system:running`, `apiA:failed`, `restarting apiA`, … */
export function record(events$: Observable<SystemEvent>): string[] {
  const seen: string[] = [];
  events$.subscribe((event) => {
    switch (event.type) {
      case 'system.state':
        seen.push(`system:${event.state}`);
        break;
      case 'pool.state':
        seen.push(`${event.pool}:${event.state}`);
        break;
      case 'pool.restarting':
        seen.push(`restarting ${event.pool}`);
        break;
      case 'pool.restarted':
        seen.push(`restarted ${event.pool}${event.workers ? ' (workers)' : ''}`);
        break;
      case 'system.failed':
        seen.push(`failed: ${event.error.pool}`);
        break;
      case 'system.reconfigured':
        seen.push('reconfigured');
        break;
    }
  });
  return seen;
}

/** Advances the clock in steps until `done()` or `maxMs` have passed. */
export async function until(clock: VirtualClock, done: () => boolean, maxMs = 60_000, stepMs = 10) {
  for (let t = 0; t < maxMs && !done(); t += stepMs) await clock.advance(stepMs);
  return done();
}
