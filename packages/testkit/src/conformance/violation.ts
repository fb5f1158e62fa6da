/**
 * The promises a conformance check holds a pool or a system to, one name each:
 * `legal-states` (only the lifecycle changes its machine allows), `settles-once` (each accepted
 * task settles exactly once, each submit's promise once and never rejects), `outcome` (an
 * outcome its task's behaviour allows, with its own value), `counters` (they conserve and agree
 * with what was seen), `concurrency` (no more workers busy than its size), `size` (the size
 * asked for), `restarts` (within the supervision limits), `close` (every close reaches
 * `stopped`, leaving no timer), `api` (calls answer as documented: refusals, typed errors),
 * `defect` (nothing throws where nobody can catch it: a timer, a call-back).
 */
export type Guarantee =
  | 'legal-states'
  | 'settles-once'
  | 'outcome'
  | 'counters'
  | 'concurrency'
  | 'size'
  | 'restarts'
  | 'close'
  | 'api'
  | 'defect';

/** A broken promise, found while a run went on: what the checks throw. */
export class Violation extends Error {
  override readonly name = 'Violation';
  constructor(
    readonly guarantee: Guarantee,
    readonly detail: string,
    /** Clock time when it was seen (ms). */
    readonly at: number,
  ) {
    super(`${guarantee}: ${detail} (at ${at} ms)`);
  }
}

/** An error in a line: `TypeError: …`, or what was thrown. */
export function describeError(error: unknown): string {
  return error instanceof Error
    ? `${error.name}: ${error.message.split('\n')[0] ?? ''}`
    : `${typeof error} ${String(error)}`;
}
