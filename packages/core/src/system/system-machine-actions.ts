/**
 * The system machine's actions: its pools spawned, started and supervised (their states told to
 * the supervisor, its decisions carried out through the clock), membership changed by
 * `reconfigure`, and giving up. Effects go through `SystemEffects`; `assign` only computes.
 */
import { cancel, raise, stopChild } from 'xstate';
import { SystemFailedError } from '../errors.js';
import type { SupervisorEvent } from '../supervision/supervisor-machine.js';
import {
  enqueueSystemActions,
  SUPERVISOR_ID,
  type SystemContext,
  type SystemMachineEvent,
} from './system-machine-types.js';

/** Reports to the supervisor, unless there is none or it has given up (escalated: final). */
export function tell(context: SystemContext, event: SupervisorEvent): void {
  const supervisor = context.supervisor;
  if (supervisor !== undefined && supervisor.getSnapshot().status === 'active')
    supervisor.send(event);
}

/** A fresh supervisor for this start (its limits counted from now). */
export const begin = enqueueSystemActions(({ context, enqueue }) => {
  if (context.supervisor !== undefined) enqueue(stopChild(context.supervisor));
  const { supervision, clock, random } = context;
  enqueue.assign(({ spawn }) => ({
    supervisor: spawn('supervisor', {
      id: SUPERVISOR_ID,
      input: { ...supervision, restart: 'permanent', clock, random },
    }),
    lastFailure: undefined,
  }));
});

/**
 * Every pool joins the supervisor in declaration order, and starts (a lost pool's replacement,
 * on its way, is started when it joins).
 */
export const superviseAll = enqueueSystemActions(({ context, enqueue }) => {
  const { pools, ids, lost } = context;
  enqueue(() => {
    for (const name of pools) tell(context, { type: 'child.added', id: name });
  });
  for (const name of pools)
    if (!lost.includes(name)) enqueue.sendTo(ids[name]!, { type: 'pool.start' });
});

/** Records a pool's state (any system state). */
export const recordState = enqueueSystemActions(({ context, event, enqueue }) => {
  if (event.type !== 'pool.state' || context.ids[event.name] !== event.id) return;
  enqueue.assign({ states: { ...context.states, [event.name]: event.state } });
});

/** A supervised pool's state changed: running is a start, failed an exit, for the supervisor. */
export const superviseState = enqueueSystemActions(({ context, event, enqueue }) => {
  if (event.type !== 'pool.state' || context.ids[event.name] !== event.id) return;
  if (!context.pools.includes(event.name)) return;
  const { name, state } = event;
  const before = context.states[name];
  enqueue.assign({ states: { ...context.states, [name]: state } });
  if (state === 'running' && before !== 'running')
    enqueue(() => tell(context, { type: 'child.started', id: name }));
  if (state === 'failed' && before !== 'failed') {
    const cause = event.cause;
    enqueue.assign({ lastFailure: { pool: name, cause } });
    enqueue(() => tell(context, { type: 'child.exited', id: name, abnormal: true, cause }));
  }
});

/** Carries out a restart decision after its delay (through the clock, cancellable). */
export const scheduleRestart = enqueueSystemActions(({ context, event, enqueue }) => {
  if (event.type !== 'supervisor.restart') return;
  const { effects } = context;
  const { ids, delayMs, attempt, cause } = event;
  enqueue(() => {
    for (const pool of ids)
      effects.emit({ type: 'pool.restarting', pool, delayMs, attempt, cause });
  });
  const delayId = `restart.${context.restartsMade + 1}`;
  enqueue.assign({
    restartsMade: context.restartsMade + 1,
    pendingRestarts: [...context.pendingRestarts, delayId],
  });
  // Always through the clock, even with no delay: a pool failing at once on every start cannot
  // restart in microtasks forever.
  enqueue(
    raise({ type: 'pools.restart', names: ids, cause, delayId }, { delay: delayMs, id: delayId }),
  );
});

/**
 * A restart is due: each pool in it restarts, in declaration order — replaced when lost (closed
 * through its own handle), started again when failed (or stopped), its workers restarted in
 * place when starting or running (a sibling's failure).
 */
export const restartPools = enqueueSystemActions(({ context, event, enqueue }) => {
  if (event.type !== 'pools.restart') return;
  const { delayId, names, cause } = event;
  enqueue.assign({ pendingRestarts: context.pendingRestarts.filter((id) => id !== delayId) });
  const { effects, states, ids } = context;
  for (const pool of names) {
    const id = ids[pool];
    const state = states[pool];
    if (id === undefined || !context.pools.includes(pool)) continue;
    if (context.lost.includes(pool)) {
      enqueue(() => {
        effects.replacePool(pool);
        effects.emit({ type: 'pool.restarted', pool, workers: false, replaced: true });
      });
    } else if (state === 'failed' || state === 'stopped') {
      enqueue.sendTo(id, { type: 'pool.start' });
      enqueue(() => effects.emit({ type: 'pool.restarted', pool, workers: false }));
    } else if (state === 'starting' || state === 'running') {
      const why = new Error(`pool '${pool}' restarted by system '${context.name}'`, { cause });
      const restart = effects.restartWorkers(pool, why);
      if (restart === undefined) continue;
      enqueue.sendTo(id, restart);
      enqueue(() => {
        effects.emit({ type: 'pool.restarted', pool, workers: true });
        // Its workers restart in place: it runs on, a fresh start for the backoff's reset.
        tell(context, { type: 'child.started', id: pool });
      });
    }
  }
});

/** Cancels every delayed restart still pending: a closing or failed system keeps no timer. */
export const cancelRestarts = enqueueSystemActions(({ context, enqueue }) => {
  if (context.pendingRestarts.length === 0) return;
  for (const id of context.pendingRestarts) enqueue(cancel(id));
  enqueue.assign({ pendingRestarts: [] });
});

/** The supervisor goes with the life of the system that made it. */
export const stopSupervisor = enqueueSystemActions(({ context, enqueue }) => {
  if (context.supervisor === undefined) return;
  enqueue(stopChild(context.supervisor));
  enqueue.assign({ supervisor: undefined });
});

/** The supervisor escalated: the system fails, naming the pool that failed last (it closes on entering `failed`). */
export const fail = enqueueSystemActions(({ context, event, enqueue }) => {
  if (event.type !== 'supervisor.escalate') return;
  const { restarts, withinMs } = event.error;
  const last = context.lastFailure;
  const failure = new SystemFailedError(
    context.name,
    last?.pool ?? '(unknown)',
    restarts,
    withinMs,
    last?.cause ?? event.error,
  );
  enqueue.assign({ failure });
  const { effects } = context;
  enqueue(() => effects.emit({ type: 'system.failed', error: failure }));
});

/** Spawns the actor of a pool that `reconfigure` added (or a replacement: same name, new actor). */
export const spawnPool = enqueueSystemActions(({ context, event, enqueue }) => {
  if (event.type !== 'pool.added' || context.pools.includes(event.name)) return;
  const { name } = event;
  const { id, input } = context.effects.poolActor(name);
  const previous = context.ids[name];
  if (previous !== undefined) enqueue.assign({ leaving: [...context.leaving, previous] });
  enqueue.spawnChild('pool', { id, input });
  enqueue.assign({
    pools: [...context.pools, name],
    ids: { ...context.ids, [name]: id },
    states: { ...context.states, [name]: 'stopped' },
  });
});

/** … and, once its handle is ready and the system starting or running, supervises and starts it. */
export const startAdded = enqueueSystemActions(({ context, event, enqueue }) => {
  if (event.type !== 'pool.join' || !context.pools.includes(event.name)) return;
  const { name } = event;
  enqueue(() => tell(context, { type: 'child.added', id: name }));
  enqueue.sendTo(context.ids[name]!, { type: 'pool.start' });
});

/** `reconfigure` removes a pool: no longer supervised (the system drains and closes it). */
export const unsupervise = enqueueSystemActions(({ context, event, enqueue }) => {
  if (event.type !== 'pool.removed' || !context.pools.includes(event.name)) return;
  const { name } = event;
  enqueue.assign({
    pools: context.pools.filter((p) => p !== name),
    lost: context.lost.filter((p) => p !== name),
  });
  enqueue(() => tell(context, { type: 'child.removed', id: name }));
});

/** A removed or replaced pool is closed: its actor stops, and the system forgets it. */
export const stopPool = enqueueSystemActions(({ context, event, enqueue }) => {
  if (event.type !== 'pool.gone') return;
  const { name, id } = event;
  enqueue(stopChild(id));
  if (context.ids[name] !== id) {
    enqueue.assign({ leaving: context.leaving.filter((l) => l !== id) });
    return;
  }
  const ids = { ...context.ids };
  const states = { ...context.states };
  delete ids[name];
  delete states[name];
  enqueue.assign({ ids, states, pools: context.pools.filter((p) => p !== name) });
});

/** A close has begun: the system will not start again. */
export const markClosed = enqueueSystemActions(({ enqueue }) => {
  enqueue.assign({ closed: true });
});

/** Every supervised pool is running. */
export function allRunning({ context }: { context: SystemContext }): boolean {
  return context.pools.every((name) => context.states[name] === 'running');
}

/** The system has not been closed (a closed system's pools are closed for good). */
export function notClosed({ context }: { context: SystemContext }): boolean {
  return !context.closed;
}

export type { SystemMachineEvent };
