import { loadOf, type Strategy } from './strategy.js';

/**
 * The member with the fewest tasks in flight from this balancer per worker (`inFlight / size`);
 * ties go round-robin, so equal members share evenly instead of the first taking them all.
 */
export function leastLoaded(): Strategy {
  return (members, _task, { seq }) => {
    const n = members.length;
    const first = seq % n;
    let best = first;
    let bestLoad = loadOf(members[first]!);
    for (let k = 1; k < n && bestLoad > 0; k++) {
      const i = (first + k) % n;
      const load = loadOf(members[i]!);
      if (load < bestLoad) {
        best = i;
        bestLoad = load;
      }
    }
    return best;
  };
}
