/**
 * The pool machine's actions at its door and on close: submits taken while starting, refused
 * when stopped or closing; a close's abort; workers stopped, or abandoned when a close stops
 * waiting for them.
 */
import { stopChild } from 'xstate';
import { enqueuePoolActions, type PoolActionArgs } from './pool-machine-types.js';

/** Starts taking submits. */
export function open({ context }: PoolActionArgs): void {
  context.effects.open();
}

/** A stopped pool refuses submits until `start()`. */
export function refuseStopped({ context }: PoolActionArgs): void {
  context.effects.refuse('pool-closed', `pool '${context.name}' is stopped: call start() first`);
}

/** A close begins: new submits are refused; an aborting close cancels everything now. */
export const beginClose = enqueuePoolActions(({ context, event, enqueue }) => {
  const { effects } = context;
  const abort = event.type === 'pool.close' && event.abort;
  enqueue(() => {
    effects.refuse('pool-closed', `pool '${context.name}' is closing or closed`);
    if (abort) effects.abortAll(event.reason);
  });
  enqueue.assign({ aborting: abort });
});

/** A later `close({ abort: true })`, or the close deadline: cancel every queued and running task. */
export const abortAll = enqueuePoolActions(({ context, event, enqueue }) => {
  if (event.type === 'pool.timeout' || (event.type === 'pool.close' && event.abort)) {
    const { effects } = context;
    const { reason } = event;
    enqueue(() => effects.abortAll(reason));
    if (event.type === 'pool.close') enqueue.assign({ aborting: true });
  }
});

/** Stops every worker (their teardowns run). */
export function stopWorkers({ context }: PoolActionArgs): void {
  context.effects.stopAll();
}

/**
 * Stops waiting for every worker still in its setup or teardown (a close past its deadline,
 * or aborted while waiting): each is reported `worker.abandoned` and its actor stopped, which
 * aborts a setup's signal; what its setup or teardown still does is no longer awaited.
 */
export const forgetWorkers = enqueuePoolActions(({ context, enqueue }) => {
  const { effects } = context;
  const refs = effects.seats.workerRefs();
  enqueue(() => {
    effects.forget();
    effects.seats.clearWorkers();
  });
  for (const ref of refs) enqueue(stopChild(ref));
});

/** An aborting close waits for no setup: workers still in theirs are abandoned. */
export const abandonSetups = enqueuePoolActions(({ context, enqueue }) => {
  if (!context.aborting) return;
  const { effects } = context;
  const ids = effects.startingWorkers();
  if (ids.length === 0) return;
  const refs = ids.map((id) => effects.seats.workerOf(id));
  enqueue(() => {
    effects.abandonStarting();
    for (const id of ids) effects.seats.removeWorker(id);
  });
  for (const ref of refs) if (ref !== undefined) enqueue(stopChild(ref));
});
