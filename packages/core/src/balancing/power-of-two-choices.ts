import { loadOf, type Strategy } from './strategy.js';

/**
 * Two members at random, the less loaded of them (`inFlight / size`; the first on a tie): nearly
 * the spread of least-loaded at the cost of two looks, and no herd on one member when many
 * balancers share the same pools. Random from the balancer's `random` option.
 */
export function powerOfTwoChoices(): Strategy {
  return (members, _task, { random }) => {
    const n = members.length;
    if (n === 1) return 0;
    const a = Math.min(n - 1, Math.floor(random() * n));
    let b = Math.min(n - 2, Math.floor(random() * (n - 1)));
    if (b >= a) b++;
    return loadOf(members[b]!) < loadOf(members[a]!) ? b : a;
  };
}
