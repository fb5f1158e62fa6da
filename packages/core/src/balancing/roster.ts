import { TaskFailed } from '../errors.js';
import type { PoolState } from '../pool/pool-events.js';
import { err, type TaskResult } from '../result.js';
import type { BalancerConfig } from './balancer-options.js';
import type { Routed } from './held-tasks.js';
import { Member, type FiguresEpoch } from './member.js';
import { Offered } from './offered.js';
import { refusal } from './refusal.js';

/**
 * The members as routing sees them, and the choice of one for a task. It keeps, as members
 * change, which are offered (running, not closed, not refusing for a full queue, not kept out by
 * their health) and how many are in each state, so that no decision and no change looks at every
 * member. A choice is the strategy's over the members offered, then the gates of the member
 * chosen — `isAvailable`, then its health (a probe slot, the slow-start share); a member a gate
 * refuses is left out of that decision and the strategy chooses again.
 */
export class Roster<TInput, TOutput> {
  readonly offered: Offered<Member<TInput, TOutput>>;
  /** Bumped by each refresh: members read their figures again when a strategy next asks. */
  readonly epoch: FiguresEpoch = { value: 0 };
  /** Members not closed for good. */
  live: number;
  running = 0;
  starting = 0;
  failed = 0;
  readonly #config: BalancerConfig<TInput, TOutput>;
  /** Members that refused a task for a full queue since the last refresh. */
  #full: Member<TInput, TOutput>[] = [];
  #seq = 0;
  /** What strategies get as their state: one object, moved on for each decision. */
  readonly #route: { seq: number; version: number; readonly random: () => number };

  readonly members: readonly Member<TInput, TOutput>[];

  constructor(config: BalancerConfig<TInput, TOutput>) {
    this.#config = config;
    const members = config.members.map((m, i) => new Member(i, m.name, m.sink, this.epoch));
    this.members = members;
    this.live = members.length;
    this.offered = new Offered(members.length);
    this.#route = { seq: 0, version: 0, random: config.random };
  }

  /** `member`'s state changed from `was` (or it left): counts, and whether it is offered. */
  changed(member: Member<TInput, TOutput>, was: PoolState, wasLeft: boolean): void {
    this.#count(was, wasLeft, -1);
    this.#count(member.state, member.left, 1);
    this.update(member);
  }

  /** Offers `member` or stops offering it, as its state, queue and health say. */
  update(member: Member<TInput, TOutput>): void {
    if (
      member.state === 'running' &&
      !member.left &&
      !member.full &&
      member.health?.blocked !== true
    )
      this.offered.add(member);
    else this.offered.remove(member);
  }

  /** `member` refused a task for a full queue: not offered until one of ours settles there, or the next refresh. */
  markFull(member: Member<TInput, TOutput>): void {
    if (!member.full) this.#full.push(member);
    member.full = true;
    this.offered.remove(member);
  }

  /** A task of ours settled at `member`: a full queue there has room again. */
  settledAt(member: Member<TInput, TOutput>): void {
    if (!member.full) return;
    member.full = false;
    this.update(member);
  }

  /** A new refresh: figures are read again when asked for, members that were full are offered again. */
  refresh(): void {
    this.epoch.value++;
    const full = this.#full;
    this.#full = [];
    for (const member of full) {
      member.full = false;
      this.update(member);
    }
    this.offered.touch();
  }

  /** The member for `task` among those that can take it (`undefined`: none can; a `Left`: the strategy failed). */
  pick(task: Routed<TInput, TOutput>): Member<TInput, TOutput> | TaskResult<TOutput> | undefined {
    const offered = this.offered;
    const { tried } = task;
    if (tried !== undefined) for (const i of tried) offered.exclude(this.members[i]!);
    let chosen: Member<TInput, TOutput> | TaskResult<TOutput> | undefined;
    while (offered.list.length > 0) {
      chosen = this.#choose(offered.list, task);
      if (!(chosen instanceof Member) || this.#admits(chosen)) break;
      chosen = undefined;
    }
    offered.restore();
    return chosen;
  }

  #choose(
    list: readonly Member<TInput, TOutput>[],
    task: Routed<TInput, TOutput>,
  ): Member<TInput, TOutput> | TaskResult<TOutput> {
    const route = this.#route;
    route.seq = this.#seq++;
    route.version = this.offered.version;
    try {
      const i = this.#config.strategy(list, task, route);
      const member = list[i];
      if (Number.isInteger(i) && member !== undefined) return member;
      throw new RangeError(
        `the strategy of balancer '${this.#config.name}' chose ${String(i)}: expected a whole number from 0 to ${list.length - 1}`,
      );
    } catch (cause) {
      return err(new TaskFailed(cause));
    }
  }

  /** The gates of the member chosen; one that says no leaves it out of this decision (or out, when its probes are all out). */
  #admits(member: Member<TInput, TOutput>): boolean {
    if (this.#config.isAvailable !== undefined && !this.available(member)) {
      this.offered.exclude(member);
      return false;
    }
    const health = member.health;
    if (health === undefined || !health.gated || health.admits()) return true;
    if (health.blocked) this.offered.remove(member);
    else this.offered.exclude(member);
    return false;
  }

  /** What `isAvailable` says of `member` (yes without one); a throw is a no, re-thrown on a later tick. */
  available(member: Member<TInput, TOutput>): boolean {
    const { isAvailable } = this.#config;
    if (isAvailable === undefined) return true;
    try {
      return isAvailable(member, member.index) === true;
    } catch (error) {
      // Not swallowed: re-thrown on a later tick, as XState does with an error nobody handles.
      setTimeout(() => {
        throw error;
      });
      return false;
    }
  }

  /** Why no member can take a task, and the queue is full. */
  refusal(): string {
    const { name, capacity } = this.#config;
    return refusal(name, this.members, (m) => this.available(m), capacity);
  }

  #count(state: PoolState, left: boolean, by: 1 | -1): void {
    if (left) return;
    this.live += by;
    if (state === 'running') this.running += by;
    else if (state === 'starting') this.starting += by;
    else if (state === 'failed') this.failed += by;
  }
}
