/**
 * The members offered to a strategy, as one array changed in place: after any sequence of adds,
 * removes, and exclusions put back, it holds exactly the members a plain set would, each at the
 * position it says; putting back what one decision excluded restores the array and its version.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Offered } from '../../src/balancing/offered.js';

const N = 8;
const members = Array.from({ length: N }, (_, index) => ({ index }));
type Op =
  | { readonly op: 'add'; readonly i: number }
  | { readonly op: 'remove'; readonly i: number }
  | { readonly op: 'touch'; readonly i: number }
  | {
      readonly op: 'decide';
      readonly out: readonly number[];
      readonly during?: { readonly add: boolean; readonly i: number };
    };
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    op: fc.constantFrom('add' as const, 'remove' as const, 'touch' as const),
    i: fc.nat(N - 1),
  }),
  fc.record(
    {
      op: fc.constant('decide' as const),
      out: fc.array(fc.nat(N - 1), { maxLength: 4 }),
      during: fc.record({ add: fc.boolean(), i: fc.nat(N - 1) }),
    },
    { requiredKeys: ['op', 'out'] },
  ),
);

describe('Offered', () => {
  it('agrees with a plain set; a decision put back leaves array and version as they were', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const offered = new Offered<{ index: number }>(N);
        const set = new Set<number>();
        const seen = new Set<number>([offered.version]);
        for (const o of ops) {
          if (o.op === 'add') {
            offered.add(members[o.i]!);
            set.add(o.i);
          } else if (o.op === 'remove') {
            offered.remove(members[o.i]!);
            set.delete(o.i);
          } else if (o.op === 'touch') offered.touch();
          else {
            const before = [...offered.list];
            const version = offered.version;
            for (const i of o.out) offered.exclude(members[i]!);
            for (const i of o.out) expect(offered.has(members[i]!)).toBe(false);
            // A lasting change during the decision (of a member offered, excluded or neither):
            // the version after is a new one.
            const { during } = o;
            const changed =
              during !== undefined &&
              (set.has(during.i) !== during.add || (set.has(during.i) && o.out.includes(during.i)));
            if (during?.add === true) {
              offered.add(members[during.i]!);
              set.add(during.i);
            } else if (during !== undefined) {
              offered.remove(members[during.i]!);
              set.delete(during.i);
            }
            offered.restore();
            if (!changed) {
              expect(offered.list).toEqual(before);
              expect(offered.version).toBe(version);
            } else expect(seen.has(offered.version)).toBe(false);
          }
          expect(new Set(offered.list.map((m) => m.index))).toEqual(set);
          expect(offered.list).toHaveLength(set.size);
          for (const m of members) expect(offered.has(m)).toBe(set.has(m.index));
          seen.add(offered.version);
        }
      }),
    );
  });
});
