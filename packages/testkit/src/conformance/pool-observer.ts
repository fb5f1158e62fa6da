import { poolMachine, type Clock, type Pool, type PoolState } from '@troupe/core';
import type { TestTask } from '../behaviour.js';
import { legalChanges, topLevelStates } from '../coverage/machine-edges.js';
import type { RestartWatch } from './restart-watch.js';
import type { RunWatch } from './run-watch.js';
import type { TaskRecord } from './task-record.js';
import type { Guarantee } from './violation.js';

/** What the observer reads and notes: the pool under test as it sees it. */
export interface ObservedPool {
  readonly pool: Pick<Pool<TestTask, number>, 'state$' | 'results$' | 'events$'>;
  readonly clock: Clock;
  readonly tasks: ReadonlyMap<string, TaskRecord>;
  readonly runs: RunWatch;
  readonly restarts: RestartWatch;
  readonly happened: { crashed: boolean; failed: boolean };
  state: PoolState;
  problem(guarantee: Guarantee, detail: string): void;
}

let legal: { changes: ReadonlySet<string>; states: ReadonlySet<string> } | undefined;
/** The pool machine's lifecycle, read from the machine once. */
const lifecycle = (): { changes: ReadonlySet<string>; states: ReadonlySet<string> } =>
  (legal ??= { changes: legalChanges(poolMachine), states: topLevelStates(poolMachine) });

/**
 * Watches a pool under test: each state it enters must be one its machine has, reached by a
 * change the machine allows; each outcome on `results$` is its task's first (outcomes are
 * judged at the next check); crashes, failures and restart decisions are noted from `events$`.
 */
export function observePool(put: ObservedPool): void {
  const { changes, states } = lifecycle();
  let last: PoolState | undefined;
  put.pool.state$.subscribe((state) => {
    if (!states.has(state))
      put.problem('legal-states', `state$ told '${state}': no state of the pool machine`);
    else if (last !== undefined && last !== state && !changes.has(`${last}>${state}`))
      put.problem(
        'legal-states',
        `the pool went from '${last}' to '${state}': no transition of the pool machine does`,
      );
    if (state === 'starting') put.restarts.started();
    last = put.state = state;
  });
  put.pool.results$.subscribe(({ id, taskId, result }) => {
    const rec = id === undefined ? undefined : put.tasks.get(id);
    if (rec === undefined) {
      put.problem(
        'settles-once',
        `results$ told an outcome for a task never accepted (id ${String(id)}, task ${taskId})`,
      );
      return;
    }
    if (++rec.emissions > 1) {
      put.problem('settles-once', `${rec.describe()} settled twice`);
      return;
    }
    rec.outcome = result;
    put.runs.settled(rec.id);
  });
  put.pool.events$.subscribe((event) => {
    if (event.type === 'worker.crashed' || event.type === 'worker.replaced')
      put.happened.crashed = true;
    if (event.type === 'pool.failed') put.happened.failed = true;
    const bad = put.restarts.see(event, put.clock.now());
    if (bad !== undefined) put.problem('restarts', bad);
  });
}
