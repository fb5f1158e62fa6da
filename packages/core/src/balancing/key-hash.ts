import type { MemberView, Strategy } from './strategy.js';

/** Options of `keyHash`. */
export interface KeyHashOptions {
  /**
   * Points per member on the hash ring: more spread keys more evenly (the share of each of n
   * members deviates by about 1/√virtualNodes of 1/n) at the cost of a bigger ring.
   * @default 160
   */
  readonly virtualNodes?: number;
}

/** FNV-1a over the string's UTF-16 code units, then murmur3's finaliser to spread the bits. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

interface Ring {
  /** Sorted hash points. */
  readonly points: Uint32Array;
  /** For each point, the index (in the members offered) of the member it belongs to. */
  readonly owners: Uint16Array | Uint32Array;
}

/** The ring of `names`, `virtualNodes` points each (a point is the hash of `name#i`). */
function buildRing(names: readonly string[], virtualNodes: number): Ring {
  const entries: [number, number][] = [];
  names.forEach((name, owner) => {
    for (let i = 0; i < virtualNodes; i++) entries.push([hashString(`${name}#${i}`), owner]);
  });
  // Ties (two points on one hash) go by name order, so the ring does not depend on member order.
  entries.sort((a, b) => a[0] - b[0] || (names[a[1]]! < names[b[1]]! ? -1 : 1));
  const points = Uint32Array.from(entries, (e) => e[0]);
  const owners =
    names.length < 65_536
      ? Uint16Array.from(entries, (e) => e[1])
      : Uint32Array.from(entries, (e) => e[1]);
  return { points, owners };
}

/** The first point at or after `hash` (wrapping round). */
function ownerOf(ring: Ring, hash: number): number {
  const { points, owners } = ring;
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (points[mid]! < hash) lo = mid + 1;
    else hi = mid;
  }
  return owners[lo === points.length ? 0 : lo]!;
}

/**
 * Consistent hashing on the submit's `key`: a key goes to the member owning the first ring point
 * at or after the key's hash. Members are placed by name, so a member joining or leaving (or
 * becoming unavailable) moves only the keys it takes or held — about 1/n of them — and the rest
 * stay where they were. A task without a key goes round-robin.
 */
export function keyHash(options: KeyHashOptions = {}): Strategy {
  const virtualNodes = options.virtualNodes ?? 160;
  let ringFor: readonly MemberView[] | undefined;
  let ringNames = '';
  let ring: Ring | undefined;
  return (members, { key }, { seq }) => {
    if (key === undefined) return seq % members.length;
    if (members !== ringFor) {
      // The balancer hands the same array while no member comes or goes; a new array with the
      // same names keeps the ring.
      ringFor = members;
      const names = members.map((m) => m.name);
      const joined = names.join('\u0000');
      if (ring === undefined || joined !== ringNames) {
        ringNames = joined;
        ring = buildRing(names, virtualNodes);
      }
    }
    return ownerOf(ring!, hashString(key));
  };
}
