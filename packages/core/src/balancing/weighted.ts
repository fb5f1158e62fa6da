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

/** Picks by weight: the member whose slice of the total holds the point `seq × GOLDEN mod 1`. */
function pick(weights: ArrayLike<number>, total: number, seq: number): number {
  const n = weights.length;
  if (!(total > 0)) return seq % n;
  let point = ((seq * GOLDEN) % 1) * total;
  for (let i = 0; i < n - 1; i++) {
    point -= weights[i]!;
    if (point < 0) return i;
  }
  return n - 1;
}

/**
 * Members in proportion to their weights: static (one number ≥ 0 per member, by its index in
 * `pools`), or `'live'` (see `liveWeight`). A member offered whose static weight is 0 gets
 * tasks only when every member offered weighs 0 (then it goes round-robin).
 * @example
 * createBalancer({ pools: [big, small], strategy: weighted([3, 1]) }); // 3 tasks of 4 to big
 */
export function weighted(weights: readonly number[] | 'live'): Strategy {
  if (weights === 'live') {
    return (members, _task, { seq }) => {
      let fastest = Infinity;
      for (const m of members) if (m.latencyMs > 0 && m.latencyMs < fastest) fastest = m.latencyMs;
      const live = members.map((m) => liveWeight(m, fastest));
      return pick(
        live,
        live.reduce((a, b) => a + b, 0),
        seq,
      );
    };
  }
  const fixed = [...weights];
  let cachedFor: readonly MemberView[] | undefined;
  let cached: number[] = [];
  let total = 0;
  return (members, _task, { seq }) => {
    // The members offered stay the same array while no member comes or goes: weigh them once.
    if (members !== cachedFor) {
      cachedFor = members;
      cached = members.map((m) => fixed[m.index] ?? 0);
      total = cached.reduce((a, b) => a + b, 0);
    }
    return pick(cached, total, seq);
  };
}
