import { TaskRejected } from '@troupe/core';

/**
 * A run whose input cannot be sent to its thread: it settles `TaskRejected` (`invalid-input`),
 * and the thread never sees it. `Outbox.add` throws the two errors here for an input marked
 * wrong (and queues nothing); posting throws a `DataCloneError` for one that cannot be cloned.
 */

/** A `transfer(value, list)` whose list is not an array: its run is refused before it is queued. */
export class BadTransferList extends TypeError {
  override readonly name = 'BadTransferList';
  constructor(list: unknown) {
    const what = list === null ? 'null' : Array.isArray(list) ? 'an array' : typeof list;
    super(`its transfer list is ${what}, not an array`);
  }
}

/** A `callExport(name, input)` whose module has no such function: its run is refused before it is queued. */
export class UnknownExport extends TypeError {
  override readonly name = 'UnknownExport';
  constructor(
    readonly exportName: string,
    readonly exports: readonly string[],
  ) {
    super(
      `it names the export '${exportName}', which the worker module does not have as a function (its exports: ${exports.length > 0 ? exports.join(', ') : 'none'})`,
    );
  }
}

/**
 * What task `taskId` settles with when its input cannot be sent to a thread of worker module
 * `href`: `error` says why. `transferring`: the input was marked by `transfer`, whose list may
 * be what is wrong.
 */
export function refusedInput(
  taskId: number,
  href: string,
  error: unknown,
  transferring: boolean,
): TaskRejected {
  if (error instanceof UnknownExport) {
    return new TaskRejected(
      'invalid-input',
      `task ${taskId} cannot run on worker module ${href}: ${error.message}`,
      taskId,
    );
  }
  const why = error instanceof Error ? error.message : String(error);
  const rule = transferring
    ? 'inputs must be structured-cloneable, and a transfer list an array of transferables (ArrayBuffer, MessagePort, …), each once'
    : 'inputs must be structured-cloneable: no functions, symbols, or objects holding them';
  return new TaskRejected(
    'invalid-input',
    `the input of task ${taskId} cannot be sent to a worker thread: ${why} (${rule})`,
    taskId,
  );
}
