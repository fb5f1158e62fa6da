import { Subject } from 'rxjs';
import { TaskCancelled, TaskFailed, TaskRejected, type RejectReason } from '../errors.js';
import { MetricsRecorder } from '../metrics/metrics.js';
import type { TaskOutcome } from '../pool/pool-events.js';
import { checkKey, type SubmitOptions } from '../pool/submit-options.js';
import { err, type TaskResult } from '../result.js';
import { countOutcome } from './balancer-metrics.js';
import type { BalancerConfig } from './balancer-options.js';
import { HeldTasks, routed, type Routed } from './held-tasks.js';
import { Member } from './member.js';
import { Roster } from './roster.js';

/** Refusals of a member that leave the task unrun: it may go to another member. */
const BOUNCED: ReadonlySet<RejectReason> = new Set(['queue-full', 'pool-closed', 'pool-failed']);

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
      try {
        ({ key, id } = options);
      } catch {
        // The member reads the options again and says what is wrong with them.
      }
      const badKey = checkKey(key);
      if (badKey !== undefined) return this.#refuse('invalid-input', badKey);
      if (id !== undefined && this.#ids.has(id))
        return this.#refuse(
          'invalid-input',
          `id '${id}' is already in use by an unsettled task of balancer '${this.#name}'`,
        );
    }
    // The clock is read on every 64th submit only: members' figures need not be fresher.
    if ((++this.#taskIds & 63) === 0) {
      const now = this.config.clock.now();
      if (now >= this.#nextRefresh) this.refresh(now);
    }
    const task = routed<TInput, TOutput>(input, options, key, id, this.#taskIds);
    const held = this.held;
    if (held.queued + held.waiting === 0) {
      const member = this.roster.pick(task);
      if (member instanceof Member) return this.#accept(task) ?? this.#send(task, member);
      if (member !== undefined)
        return this.#accept(task) ?? Promise.resolve(this.finish(task, member));
    }
    if (this.roster.live === 0)
      return this.#refuse('pool-closed', `every member of balancer '${this.#name}' is closed`);
    if (held.hasRoom) return this.#accept(task) ?? this.#hold(task);
    if (this.config.overflow === 'wait')
      return this.#accept(task) ?? held.hold(task, 'room', this.config.clock.now(), this.#cancel);
    return this.#refuse('queue-full', this.fullMessage());
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

  #send(
    task: Routed<TInput, TOutput>,
    member: Member<TInput, TOutput>,
  ): Promise<TaskResult<TOutput>> {
    if (task.routedAt === -1) {
      // Timed: one task in 8, and every task that was held. A clock read costs about as much as
      // the rest of a trivial task's way through the balancer; the histograms are samples.
      const wait = task.wait;
      if (wait !== undefined || (this.#timed++ & 7) === 0) {
        const now = this.config.clock.now();
        task.routedAt = now;
        this.recorder.queueWait.record(wait === undefined ? 0 : now - wait.since);
      } else task.routedAt = -2;
    }
    member.inFlight++;
    this.recorder.active++;
    let submitted: Promise<TaskResult<TOutput>>;
    try {
      submitted = member.sink.submit(task.input, task.options);
    } catch (cause) {
      submitted = Promise.resolve(err(new TaskFailed(cause)));
    }
    return submitted.then((result) => this.#settled(task, member, result));
  }

  #settled(
    task: Routed<TInput, TOutput>,
    member: Member<TInput, TOutput>,
    result: TaskResult<TOutput>,
  ): Promise<TaskResult<TOutput>> | TaskResult<TOutput> {
    member.inFlight--;
    this.recorder.active--;
    this.roster.settledAt(member);
    if (
      result._tag === 'Left' &&
      result.left._tag === 'TaskRejected' &&
      BOUNCED.has(result.left.reason)
    ) {
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
  }

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
