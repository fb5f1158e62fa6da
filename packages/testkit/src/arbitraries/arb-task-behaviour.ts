import fc from 'fast-check';
import type { BehaviourKind, TaskBehaviour } from '../behaviour.js';

/** How {@link arbTaskBehaviour} draws. */
export interface TaskBehaviourConstraints {
  /**
   * Relative weight of each kind; 0 leaves a kind out.
   * @default { ok: 5, throw: 2, hang: 1, crash: 2, slow: 3, 'settle-twice': 1 }
   */
  readonly weights?: Partial<Readonly<Record<BehaviourKind, number>>>;
  /**
   * The delays a `slow` or `settle-twice` task draws from (ms).
   * @default [1, 10, 50, 100, 500, 2_000]
   */
  readonly delaysMs?: readonly number[];
}

/** The weights {@link arbTaskBehaviour} uses by default. */
export const DEFAULT_BEHAVIOUR_WEIGHTS: Readonly<Record<BehaviourKind, number>> = {
  ok: 5,
  throw: 2,
  hang: 1,
  crash: 2,
  slow: 3,
  'settle-twice': 1,
};

const DEFAULT_DELAYS = [1, 10, 50, 100, 500, 2_000];

/**
 * Task behaviours, weighted: ok, throw, hang, crash, slow, settle-twice. Shrinks towards `ok`
 * and short delays.
 *
 * @example
 * fc.array(arbTaskBehaviour({ weights: { hang: 0 } })) // no task that only an abort ends
 */
export function arbTaskBehaviour(
  constraints: TaskBehaviourConstraints = {},
): fc.Arbitrary<TaskBehaviour> {
  const weights = { ...DEFAULT_BEHAVIOUR_WEIGHTS, ...constraints.weights };
  const delays = constraints.delaysMs ?? DEFAULT_DELAYS;
  if (delays.length === 0 || delays.some((ms) => !(ms >= 0) || !Number.isFinite(ms)))
    throw new RangeError(
      `arbTaskBehaviour: delaysMs must be finite numbers >= 0 (got ${String(delays)})`,
    );
  const delay = fc.constantFrom(...delays);
  const kinds: Record<BehaviourKind, fc.Arbitrary<TaskBehaviour>> = {
    ok: fc.constant({ kind: 'ok' }),
    throw: fc.constant({ kind: 'throw' }),
    hang: fc.constant({ kind: 'hang' }),
    crash: fc.constant({ kind: 'crash' }),
    slow: fc.record({ kind: fc.constant('slow'), ms: delay, heedsAbort: fc.boolean() }),
    'settle-twice': fc.record({ kind: fc.constant('settle-twice'), ms: delay }),
  };
  const weighted = (Object.keys(kinds) as BehaviourKind[])
    .filter((kind) => (weights[kind] ?? 0) > 0)
    .map((kind) => ({ weight: weights[kind] ?? 0, arbitrary: kinds[kind] }));
  if (weighted.length === 0) throw new RangeError('arbTaskBehaviour: every weight is 0');
  return fc.oneof(...weighted);
}
