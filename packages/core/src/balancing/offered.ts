/**
 * The members offered to the strategy: one array kept up to date in place, so that a routing
 * decision costs the same over 2 members or 10,000. A member comes in or goes out in O(1)
 * (swapped with the last one), and `version` moves on with every change, so that a strategy may
 * cache what it computes from the array under it.
 *
 * A member can also be taken out for one decision only (`exclude`: it refused the task, or a
 * gate said no) and put back afterwards (`restore`), where it was: the array and its version are
 * then what they were before, and a strategy's cache of them still holds.
 */
export class Offered<M extends { readonly index: number }> {
  /** The members offered now, in no particular order. */
  readonly list: M[] = [];
  /** Changes with every change of `list` (or of what strategies read of its members: `touch`). */
  version = 0;
  /** Where each member (by its index in `pools`) is in `list`; -1: not offered. */
  readonly #at: Int32Array;
  /** Versions are drawn from this counter, so a number once used never names another array. */
  #versions = 0;
  /**
   * Members excluded from the decision in progress, with their place and the version before;
   * `settled`: added or removed for good meanwhile, so not put back.
   */
  readonly #taken: { member: M; at: number; version: number; settled: boolean }[] = [];
  /** A lasting change happened while members were excluded: their return makes a new version. */
  #changedMeanwhile = false;

  constructor(members: number) {
    this.#at = new Int32Array(members).fill(-1);
  }

  has(member: M): boolean {
    return this.#at[member.index]! >= 0;
  }

  /** Offers `member` (no-op when it is). */
  add(member: M): void {
    if (this.has(member)) return;
    this.#settle(member);
    this.#at[member.index] = this.list.length;
    this.list.push(member);
    this.#changed();
  }

  /** Stops offering `member` (no-op when it is not). */
  remove(member: M): void {
    const at = this.#at[member.index]!;
    if (at < 0) {
      if (this.#settle(member)) this.#changed();
      return;
    }
    this.#cut(member, at);
    this.#changed();
  }

  /** A member excluded from this decision is added or removed for good: not put back. */
  #settle(member: M): boolean {
    for (const entry of this.#taken)
      if (entry.member === member && !entry.settled) return (entry.settled = true);
    return false;
  }

  /** The members did not change, but what strategies read of them did (a refresh of figures). */
  touch(): void {
    this.#changed();
  }

  /** Takes `member` out for the decision in progress; `restore` puts it back. */
  exclude(member: M): void {
    const at = this.#at[member.index]!;
    if (at < 0) return;
    this.#taken.push({ member, at, version: this.version, settled: false });
    this.#cut(member, at);
    this.version = ++this.#versions;
  }

  /** Puts back every member excluded since the last call, each where it was. */
  restore(): void {
    const taken = this.#taken;
    if (taken.length === 0) return;
    const list = this.list;
    let version = this.version;
    for (let entry = taken.pop(); entry !== undefined; entry = taken.pop()) {
      version = entry.version;
      if (entry.settled) continue;
      const { member } = entry;
      const end = list.length;
      list.push(member);
      if (entry.at < end) {
        // Back in its place; the member standing there goes back to the end, where it was.
        const other = list[entry.at]!;
        list[entry.at] = member;
        list[end] = other;
        this.#at[other.index] = end;
        this.#at[member.index] = entry.at;
      } else this.#at[member.index] = end;
    }
    this.version = this.#changedMeanwhile ? ++this.#versions : version;
    this.#changedMeanwhile = false;
  }

  #cut(member: M, at: number): void {
    const last = this.list.pop()!;
    if (last !== member) {
      this.list[at] = last;
      this.#at[last.index] = at;
    }
    this.#at[member.index] = -1;
  }

  #changed(): void {
    this.version = ++this.#versions;
    if (this.#taken.length > 0) this.#changedMeanwhile = true;
  }
}
