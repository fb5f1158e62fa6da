import { Subject } from 'rxjs';
import { TaskCancelled, TaskRejected, type RejectReason } from '../errors.js';
import { MetricsRecorder } from '../metrics/metrics.js';
import type { TaskOutcome } from '../pool/pool-events.js';
import type { SubmitOptions } from '../pool/submit-options.js';
import { err, type TaskResult } from '../result.js';
import { countOutcome } from './balancer-metrics.js';
import type { BalancerConfig } from './balancer-options.js';
import { HeldTasks, readRouting, routed, type Routed } from './held-tasks.js';
import { answer, BARE, BareWatch, deliver, deliverBare, isBounce } from './delivery.js';
import { Member } from './member.js';
import { Roster } from './roster.js';

/**
 * The path of a task through a balancer, on one screen: submit → pick a member (the roster: the
 * strategy over the members that can take it, then the gates of the one chosen) → send →
 * settled; a member's refusal that leaves the task unrun sends it to another member, or to the
 * held queue, which `pump` drains oldest first as members come free. Counts every task in the
 * balancer's own metrics. Nothing on the path looks at every member.
 */
export class Router<TInput, TOutput> {
  readonly held: HeldTasks<TInput, TOutput>;
  readonly recorder: MetricsRecorder;
  readonly results = new Subject<TaskOutcome<TOutput>>();
  /** Resolved (and emptied) when nothing is held or in flight. */
  readonly idle: (() => void)[] = [];
  /** Set by close: no more submits; the retry timer is not re-armed. */
  stopping = false;
  readonly roster: Roster<TInput, TOutput>;
  readonly #name: string;
  readonly #ids = new Set<string>();
  #timed = 0;
  #taskIds = 0;
  #nextRefresh = 0;
  #timer: unknown;
  #ended = false;

  constructor(readonly config: BalancerConfig<TInput, TOutput>) {
    this.#name = config.name;
    this.roster = new Roster(config);
    this.held = new HeldTasks(config.capacity);
    this.recorder = new MetricsRecorder(config.clock.now(), config.intervalMs * 10);
  }

  /** Clears the retry timer (the balancer is closed). */
  end(): void {
    this.#ended = true;
    this.config.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  submit(input: TInput, options?: SubmitOptions): Promise<TaskResult<TOutput>> {
    if (this.stopping)
      return this.#refuse(
        'pool-closed',
        `balancer '${this.#name}' is closed: it takes no more tasks`,
      );
    let key: string | undefined;
    let id: string | undefined;
    if (options !== undefined) {
      const read = readRouting(options, this.#ids, this.#name);
      if (typeof read === 'string') return this.#refuse('invalid-input', read);
      ({ key, id } = read);
    }
    // The clock is read on every 64th submit only: members' figures need not be fresher.
    if ((++this.#taskIds & 63) === 0) {
      const now = this.config.clock.now();
      if (now >= this.#nextRefresh) this.refresh(now);
    }
    const held = this.held;
    let task: Routed<TInput, TOutput> | undefined;
    if (held.queued + held.waiting === 0) {
      // Without options the strategy sees no key: the task is made only if it is needed.
      const member = this.roster.pick(
        options === undefined
          ? (BARE as Routed<TInput, TOutput>)
          : (task = this.#routed(input, options, key, id)),
      );
      if (member instanceof Member) {
        if (
          task === undefined &&
          member.watched !== undefined &&
          (this.#timed & 63) !== 0 &&
          !this.results.observed
        ) {
          this.#timed++;
          return this.#sendBare(input, member);
        }
        task ??= this.#routed(input, options, key, id);
        return this.#accept(task) ?? this.#send(task, member);
      }
      if (member !== undefined) {
        task ??= this.#routed(input, options, key, id);
        return this.#accept(task) ?? Promise.resolve(this.finish(task, member));
      }
    }
    task ??= this.#routed(input, options, key, id);
    if (this.roster.live === 0)
      return this.#refuse('pool-closed', `every member of balancer '${this.#name}' is closed`);
    if (held.hasRoom) return this.#accept(task) ?? this.#hold(task);
    if (this.config.overflow === 'wait')
      return this.#accept(task) ?? held.hold(task, 'room', this.config.clock.now(), this.#cancel);
    return this.#refuse('queue-full', this.fullMessage());
  }

  #routed(
    input: TInput,
    options: SubmitOptions | undefined,
    key: string | undefined,
    id: string | undefined,
  ): Routed<TInput, TOutput> {
    return routed<TInput, TOutput>(input, options, key, id, this.#taskIds);
  }

  /** Counts the task in; `undefined` so that `accept(t) ?? next(t)` reads as one step. */
  #accept(task: Routed<TInput, TOutput>): undefined {
    this.recorder.submitted++;
    if (task.id !== undefined) this.#ids.add(task.id);
    return undefined;
  }

  #refuse(reason: RejectReason, message: string): Promise<TaskResult<TOutput>> {
    this.recorder.rejected++;
    return Promise.resolve(err(new TaskRejected(reason, message)));
  }

  /** Sends `task` to `member`; returns the caller's promise. */
  #send(
    task: Routed<TInput, TOutput>,
    member: Member<TInput, TOutput>,
  ): Promise<TaskResult<TOutput>> {
    if (task.routedAt === -1) {
      // Timed: one task in 64, and every task that was held. A clock read costs about as much as
      // the rest of a trivial task's way through the balancer; the histograms are samples.
      const wait = task.wait;
      if (wait !== undefined || (this.#timed++ & 63) === 0) {
        const now = this.config.clock.now();
        task.routedAt = now;
        this.recorder.queueWait.record(wait === undefined ? 0 : now - wait.since);
      } else task.routedAt = -2;
    }
    member.inFlight++;
    this.recorder.active++;
    return deliver(task, member, this.#settled);
  }

  /**
   * The common case on its own path: a task with no options, untimed, sent while nothing is held
   * and nobody watches `results$`, to a member that takes a watch. The member's promise is the
   * caller's, and the balancer keeps nothing per task: `#watched` hears of it as it settles.
   */
  #sendBare(input: TInput, member: Member<TInput, TOutput>): Promise<TaskResult<TOutput>> {
    this.recorder.submitted++;
    member.inFlight++;
    this.recorder.active++;
    const submitted = deliverBare(
      input,
      member,
      (member.watch ??= new BareWatch(member, this.#watched)),
    );
    if (submitted instanceof Promise) return submitted;
    // Refused at once: from here on as any routed task (to another member, held, or refused).
    const task = routed<TInput, TOutput>(input, undefined, undefined, undefined, this.#taskIds);
    task.routedAt = -2;
    task.member = member;
    return Promise.resolve(this.#settled(task, submitted));
  }

  /** A task sent bare to `member` settled there; `true` when it is taken over (routed elsewhere). */
  readonly #watched = (
    member: Member<TInput, TOutput>,
    input: TInput,
    result: TaskResult<TOutput>,
    resolve: (result: unknown) => void,
  ): boolean => {
    if (isBounce(result)) {
      const task = routed<TInput, TOutput>(input, undefined, undefined, undefined, 0);
      task.routedAt = -2;
      task.member = member;
      task.done = resolve;
      answer(task, result, this.#settled);
      return true;
    }
    member.inFlight--;
    this.recorder.active--;
    this.roster.settledAt(member);
    countOutcome(this.recorder, result, -1);
    // (Subscribed to since it was sent: the balancer never numbered it.)
    if (this.results.observed) this.results.next({ taskId: 0, id: undefined, result });
    if (this.idle.length > 0 && this.isIdle()) for (const done of this.idle.splice(0)) done();
    if (this.held.queued > 0) this.pump();
    return false;
  };

  /** A member's answer for `task`: the caller's outcome, or the promise of it when the task goes on. */
  readonly #settled = (
    task: Routed<TInput, TOutput>,
    result: TaskResult<TOutput>,
  ): Promise<TaskResult<TOutput>> | TaskResult<TOutput> => {
    const member = task.member!;
    member.inFlight--;
    this.recorder.active--;
    this.roster.settledAt(member);
    if (isBounce(result)) {
      // Not run there: another member, or the queue. A full member is not offered again until it
      // settles one of ours (or the next refresh).
      if (result.left.reason === 'queue-full') this.roster.markFull(member);
      (task.tried ??= []).push(member.index);
      const next = this.roster.pick(task);
      if (next instanceof Member) return this.#send(task, next);
      if (next !== undefined) return this.finish(task, next);
      if (this.held.hasRoom && this.roster.live > 0) return this.#hold(task);
      return this.finish(task, err(new TaskRejected(result.left.reason, this.fullMessage())));
    }
    const out = this.finish(task, result);
    if (this.held.queued > 0) this.pump();
    return out;
  };

  finish(task: Routed<TInput, TOutput>, result: TaskResult<TOutput>): TaskResult<TOutput> {
    const ms = task.routedAt < 0 ? -1 : this.config.clock.now() - task.routedAt;
    countOutcome(this.recorder, result, ms);
    if (task.id !== undefined) this.#ids.delete(task.id);
    if (this.results.observed) this.results.next({ taskId: task.taskId, id: task.id, result });
    if (this.idle.length > 0 && this.isIdle()) for (const done of this.idle.splice(0)) done();
    return result;
  }

  #hold(task: Routed<TInput, TOutput>): Promise<TaskResult<TOutput>> {
    const held = this.held.hold(task, 'queue', this.config.clock.now(), this.#cancel);
    const { signal } = task.wait!;
    if (signal?.aborted === true) {
      this.#cancelWith(task, signal.reason);
      return held;
    }
    if (this.#timer === undefined)
      this.#timer = this.config.clock.setTimeout(this.#tick, this.config.intervalMs);
    return held;
  }

  readonly #cancel = (task: Routed<TInput, TOutput>): void => {
    this.#cancelWith(task, task.wait!.signal?.reason);
  };

  readonly #tick = (): void => {
    this.#timer = undefined;
    this.refresh(this.config.clock.now());
    this.pump();
    if (this.held.queued > 0 && !this.#ended)
      this.#timer = this.config.clock.setTimeout(this.#tick, this.config.intervalMs);
  };

  /** Hands held tasks, oldest first, to members while one can take them. */
  pump(): void {
    const held = this.held;
    held.admit();
    for (let task = held.peek(); task !== undefined; task = held.peek()) {
      const member = this.roster.pick(task);
      if (member === undefined) return;
      const { resolve } = held.release(task);
      if (member instanceof Member) resolve(this.#send(task, member));
      else resolve(this.finish(task, member));
      held.admit();
    }
  }

  /** Refuses every held task (`dropped`): no member will ever take them. */
  dropHeld(reason: RejectReason, message: string): void {
    const refused = err(new TaskRejected(reason, message));
    for (const task of this.held.all()) this.held.release(task).resolve(this.finish(task, refused));
  }

  /** Members' figures are read again when next asked for; full members are offered again. */
  refresh(now: number): void {
    this.#nextRefresh = now + this.config.intervalMs;
    this.roster.refresh();
  }

  /** Why no member can take a task, and the queue is full. */
  fullMessage(): string {
    return this.roster.refusal();
  }

  /** Nothing held, nothing at a member. */
  isIdle(): boolean {
    return this.held.queued + this.held.waiting === 0 && this.recorder.active === 0;
  }

  /** Cancels every held task (`TaskCancelled` with `reason`). */
  cancelHeld(reason: unknown): void {
    for (const task of this.held.all()) this.#cancelWith(task, reason);
  }

  #cancelWith(task: Routed<TInput, TOutput>, reason: unknown): void {
    this.held.release(task).resolve(this.finish(task, err(new TaskCancelled(reason))));
  }
}
