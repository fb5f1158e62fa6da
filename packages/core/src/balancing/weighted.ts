import type { MemberView, Strategy } from './strategy.js';

/**
 * The fractional part of the golden ratio: `seq × GOLDEN mod 1` is a low-discrepancy sequence
 * (Weyl's), so over any N decisions each member's share is within about log N / N of its
 * weight's share — without a random draw and without a mutable cursor.
 */
const GOLDEN = 0.6180339887498949;

/** The smallest factor a live weight keeps: a member doing badly still gets a trickle, or it could never show it recovered. */
const FLOOR = 0.05;

/**
 * A member's weight from its live figures (`weights: 'live'`):
 * `max(0.05, 1 − queueUtilisation) × max(0.05, 1 − errorRate) × max(0.05, fastest / latencyMs)`,
 * where `fastest` is the lowest p90 latency among the members offered (a member without
 * completed runs yet counts as the fastest).
 */
export function liveWeight(member: MemberView, fastestMs: number): number {
  const queue = Math.max(FLOOR, 1 - member.queueUtilisation);
  const errors = Math.max(FLOOR, 1 - member.errorRate);
  const latency =
    member.latencyMs > 0 && fastestMs > 0 ? Math.max(FLOOR, fastestMs / member.latencyMs) : 1;
  return queue * errors * latency;
}

/**
 * Picks by weight: the member whose slice of the total holds the point `seq × GOLDEN mod 1`,
 * found by binary search in the running totals (`sums[i]`: the weights of members 0…i).
 */
function pick(sums: Float64Array, seq: number): number {
  const n = sums.length;
  const total = sums[n - 1]!;
  if (!(total > 0)) return seq % n;
  const point = ((seq * GOLDEN) % 1) * total;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sums[mid]! > point) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Running totals of `weightOf` over `members`. */
function runningTotals(
  members: readonly MemberView[],
  weightOf: (member: MemberView) => number,
): Float64Array {
  const sums = new Float64Array(members.length);
  let total = 0;
  members.forEach((m, i) => (sums[i] = total += weightOf(m)));
  return sums;
}

/**
 * Members in proportion to their weights: static (one number ≥ 0 per member, by its index in
 * `pools`), or `'live'` (see `liveWeight`). A member offered whose static weight is 0 gets
 * tasks only when every member offered weighs 0 (then it goes round-robin). The weights of the
 * members offered are added up once per `state.version`; a decision is then a binary search.
 * @example
 * createBalancer({ pools: [big, small], strategy: weighted([3, 1]) }); // 3 tasks of 4 to big
 */
export function weighted(weights: readonly number[] | 'live'): Strategy {
  const fixed = weights === 'live' ? [] : [...weights];
  const weigh =
    weights === 'live'
      ? (members: readonly MemberView[]) => {
          let fastest = Infinity;
          for (const m of members)
            if (m.latencyMs > 0 && m.latencyMs < fastest) fastest = m.latencyMs;
          return runningTotals(members, (m) => liveWeight(m, fastest));
        }
      : (members: readonly MemberView[]) => runningTotals(members, (m) => fixed[m.index] ?? 0);
  let cachedFor: readonly MemberView[] | undefined;
  let cachedAt: number | undefined;
  let sums: Float64Array = new Float64Array(0);
  return (members, _task, { seq, version }) => {
    if (members !== cachedFor || version !== cachedAt) {
      cachedFor = members;
      cachedAt = version;
      sums = weigh(members);
    }
    return pick(sums, seq);
  };
}
