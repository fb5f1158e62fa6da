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

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a's state after `text`'s UTF-16 code units, from `h`. */
function fnv(h: number, text: string): number {
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return h;
}

/** murmur3's finaliser: spreads the bits of an FNV state. */
function spread(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over the string's UTF-16 code units, then murmur3's finaliser to spread the bits. */
export function hashString(text: string): number {
  return spread(fnv(FNV_OFFSET, text));
}

/** `hashString(\`${name}#${i}\`)` for i = 0, 1, …, `count` − 1, without making the strings. */
function pointsOf(name: string, count: number, into: (hash: number) => void): void {
  const prefix = fnv(FNV_OFFSET, `${name}#`);
  const digits: number[] = [];
  for (let i = 0; i < count; i++) {
    let h = prefix;
    let n = i;
    do {
      digits.push(48 + (n % 10));
      n = Math.floor(n / 10);
    } while (n > 0);
    while (digits.length > 0) h = Math.imul(h ^ digits.pop()!, FNV_PRIME);
    into(spread(h));
  }
}

/** A ring of points over member names: names are owners by their position in `names` (sorted). */
interface Ring {
  readonly names: readonly string[];
  /**
   * The points, sorted, each with its owner (an index into `names`) beside it: point i at 2i, its
   * owner at 2i + 1, so that a lookup reads both from one cache line.
   */
  readonly points: Uint32Array;
  /**
   * Where the points of each 2¹⁶-wide slice of hashes start (`JUMP_SLICES + 1` entries): a lookup
   * searches one slice, a few points on one or two cache lines, not the whole ring.
   */
  readonly jump: Uint32Array;
}

/** Owners fit below this in a point's packed form (hash × OWNERS + owner, exact in a double). */
const OWNERS = 2 ** 21;
/** Slices of the hash space in a ring's jump table (by the top 16 bits of a hash). */
const JUMP_SLICES = 2 ** 16;

/**
 * The ring of `names` (sorted), `virtualNodes` points each (a point is the hash of `name#i`).
 * Points are packed with their owner into one double and sorted as a typed array: 1.6 million
 * points (10,000 members) in a fraction of a second. Ties (two points on one hash) go by name
 * order, so the ring does not depend on member order.
 */
function buildRing(names: readonly string[], virtualNodes: number): Ring {
  if (names.length > OWNERS) throw new RangeError(`key-hash places at most ${OWNERS} members`);
  const packed = new Float64Array(names.length * virtualNodes);
  let k = 0;
  for (let owner = 0; owner < names.length; owner++)
    pointsOf(names[owner]!, virtualNodes, (hash) => (packed[k++] = hash * OWNERS + owner));
  packed.sort();
  const points = new Uint32Array(2 * packed.length);
  const jump = new Uint32Array(JUMP_SLICES + 1);
  let slice = 0;
  for (let i = 0; i < packed.length; i++) {
    const owner = packed[i]! % OWNERS;
    const point = (packed[i]! - owner) / OWNERS;
    points[2 * i] = point;
    points[2 * i + 1] = owner;
    while (slice <= point >>> 16) jump[slice++] = i;
  }
  while (slice <= JUMP_SLICES) jump[slice++] = packed.length;
  return { names, points, jump };
}

/**
 * The first point at or after `hash` (wrapping round) whose owner is offered; `at` maps an owner
 * to its position among the members offered (-1: not offered). Skipping the points of members not
 * offered is the same as a ring without them.
 */
function ownerOf(ring: Ring, at: Int32Array, hash: number): number {
  const { points, jump } = ring;
  const n = points.length >>> 1;
  const slice = hash >>> 16;
  let lo = jump[slice]!;
  let hi = jump[slice + 1]!;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (points[2 * mid]! < hash) lo = mid + 1;
    else hi = mid;
  }
  for (let k = 0; k < n; k++) {
    const position = at[points[2 * ((lo + k) % n) + 1]!]!;
    if (position >= 0) return position;
  }
  return 0; // Unreachable: every member offered has points.
}

/**
 * Consistent hashing on the submit's `key`: a key goes to the member owning the first ring point
 * at or after the key's hash. Members are placed by name, so a member joining or leaving (or
 * becoming unavailable) moves only the keys it takes or held — about 1/n of them — and the rest
 * stay where they were. A task without a key goes round-robin.
 *
 * The ring holds every member it has seen, and a lookup skips the points of those not offered
 * now, so members coming and going cost no new ring: only a map from member to position, made
 * again when the members offered change (`state.version`). A lookup is a jump to the right slice
 * of the ring, a short search within it, then a step or two.
 */
export function keyHash(options: KeyHashOptions = {}): Strategy {
  const virtualNodes = options.virtualNodes ?? 160;
  let ring: Ring | undefined;
  let owner = new Map<string, number>();
  let at = new Int32Array(0);
  let indexedFor: readonly MemberView[] | undefined;
  let indexedAt: number | undefined;

  /** Where each owner is among `members`, after adding to the ring the names it lacks. */
  const index = (members: readonly MemberView[]): void => {
    const fresh = members.filter((m) => !owner.has(m.name)).map((m) => m.name);
    // Names seen long ago are dropped once they far outnumber the members (a balancer's never do).
    const stale = owner.size > 4 * members.length + 1_024;
    if (ring === undefined || fresh.length > 0 || stale) {
      const names = stale ? members.map((m) => m.name) : [...owner.keys(), ...fresh];
      const sorted = [...new Set(names)].sort();
      owner = new Map(sorted.map((name, i) => [name, i]));
      ring = buildRing(sorted, virtualNodes);
      at = new Int32Array(sorted.length);
    }
    at.fill(-1);
    members.forEach((m, i) => (at[owner.get(m.name)!] = i));
  };

  return (members, { key }, { seq, version }) => {
    if (key === undefined) return seq % members.length;
    if (members !== indexedFor || version !== indexedAt) {
      indexedFor = members;
      indexedAt = version;
      index(members);
    }
    return ownerOf(ring!, at, hashString(key));
  };
}
