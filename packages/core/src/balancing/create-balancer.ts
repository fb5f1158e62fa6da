import { BehaviorSubject, Observable, Subject, distinctUntilChanged } from 'rxjs';
import { PoolClosedError, TaskRejected } from '../errors.js';
import type { PoolMetrics } from '../metrics/metrics.js';
import type { PoolState, TaskOutcome } from '../pool/pool-events.js';
import { checkInputs, type SubmitOptions } from '../pool/submit-options.js';
import { err, unwrap, type TaskResult } from '../result.js';
import type { CloseOptions } from '../sink.js';
import type { Balancer, BalancerSnapshot } from './balancer.js';
import { BalancerHealth, type MemberHealthTransition } from './balancer-health.js';
import { balancerMetrics } from './balancer-metrics.js';
import {
  resolveBalancerOptions,
  type BalancerConfig,
  type BalancerOptions,
} from './balancer-options.js';
import { closeMembers } from './close-balancer.js';
import { checkCloseOptions } from '../close-options.js';
import type { Member } from './member.js';
import { Router } from './router.js';

/**
 * The balancer's handle: its lifecycle (a state derived from the members', close), streams and
 * health checks; the path of each task is the router's.
 */
class BalancerHandle<TInput, TOutput> implements Balancer<TInput, TOutput> {
  readonly name: string;
  readonly state$: Observable<PoolState>;
  readonly results$: Observable<TaskOutcome<TOutput>>;
  readonly metrics$: Observable<PoolMetrics>;
  readonly health$: Observable<MemberHealthTransition>;
  readonly #config: BalancerConfig<TInput, TOutput>;
  readonly #members: readonly Member<TInput, TOutput>[];
  readonly #router: Router<TInput, TOutput>;
  readonly #health: BalancerHealth | undefined;
  /** `health$` without health checks: completes on close, nothing before. */
  readonly #noHealth = new Subject<MemberHealthTransition>();
  readonly #state = new BehaviorSubject<PoolState>('stopped');
  readonly #metricsEnds = new Set<() => void>();
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(config: BalancerConfig<TInput, TOutput>) {
    this.#config = config;
    this.name = config.name;
    const router = new Router(config);
    this.#router = router;
    const members = router.roster.members;
    this.#members = members;
    if (config.health !== undefined) {
      const { clock, random, intervalMs } = config;
      this.#health = new BalancerHealth(
        config.health,
        members,
        { clock, random, intervalMs },
        (member) => {
          // Its health changed: offered or not now; when it turned admitting, held tasks go.
          router.roster.update(member as Member<TInput, TOutput>);
          router.pump();
        },
      );
    }
    this.health$ = this.#health?.health$ ?? this.#noHealth.asObservable();
    router.refresh(config.clock.now());
    for (const member of members)
      member.follow((was, wasLeft) => this.#memberChanged(member, was, wasLeft));
    this.#state.next(this.#derivedState());
    const state = this.#state;
    this.state$ = new Observable<PoolState>((subscriber) => {
      if (!this.#closed) return state.subscribe(subscriber);
      subscriber.next('stopped');
      subscriber.complete();
      return undefined;
    }).pipe(distinctUntilChanged());
    this.results$ = this.#router.results.asObservable();
    this.metrics$ = new Observable<PoolMetrics>((subscriber) => {
      const { clock, intervalMs } = config;
      if (this.#closed) {
        subscriber.next(this.#metrics());
        subscriber.complete();
        return undefined;
      }
      let handle: unknown;
      const tick = (): void => {
        subscriber.next(this.#metrics());
        handle = clock.setTimeout(tick, intervalMs);
      };
      const end = (): void => {
        clock.clearTimeout(handle);
        subscriber.next(this.#metrics());
        subscriber.complete();
      };
      this.#metricsEnds.add(end);
      tick();
      return () => {
        clock.clearTimeout(handle);
        this.#metricsEnds.delete(end);
      };
    });
  }

  get capacity(): number {
    return this.#config.capacity;
  }

  get queueSize(): number {
    return this.#router.held.queued + this.#router.held.waiting;
  }

  submit(input: TInput, options?: SubmitOptions): Promise<TaskResult<TOutput>> {
    return this.#router.submit(input, options);
  }

  run(input: TInput, options?: SubmitOptions): Promise<TOutput> {
    return this.#router.submit(input, options).then(unwrap);
  }

  submitMany(inputs: Iterable<TInput>, options?: SubmitOptions): Promise<TaskResult<TOutput>[]> {
    checkInputs(inputs);
    return Promise.all(Array.from(inputs, (input) => this.#router.submit(input, options)));
  }

  recheck(): void {
    this.#router.pump();
  }

  #memberChanged(member: Member<TInput, TOutput>, was: PoolState, wasLeft: boolean): void {
    const router = this.#router;
    router.roster.changed(member, was, wasLeft);
    if (member.left) this.#health?.leave(member);
    if (!router.stopping) this.#state.next(this.#derivedState());
    if (router.roster.live === 0)
      router.dropHeld('pool-closed', `every member of balancer '${this.name}' is closed`);
    else router.pump();
  }

  /** Running when a member runs; else starting when one starts; else failed when one failed; else stopped. */
  #derivedState(): PoolState {
    const { running, starting, failed } = this.#router.roster;
    if (running > 0) return 'running';
    if (starting > 0) return 'starting';
    return failed > 0 ? 'failed' : 'stopped';
  }

  #metrics(): PoolMetrics {
    const { recorder, held } = this.#router;
    recorder.queued = held.queued;
    recorder.waiting = held.waiting;
    return balancerMetrics(recorder.snapshot(this.#config.clock.now()), this.#members);
  }

  getSnapshot(): BalancerSnapshot {
    const metrics = this.#metrics();
    const { roster } = this.#router;
    const offered = (m: Member<TInput, TOutput>): boolean =>
      !this.#closed && roster.offered.has(m) && roster.available(m);
    return {
      name: this.name,
      state: this.#closed ? 'stopped' : this.#state.value,
      size: this.#members.reduce((sum, m) => sum + (m.left ? 0 : m.size), 0),
      metrics,
      members: this.#members.map((m) => {
        const member = {
          name: m.name,
          state: m.state,
          available: offered(m),
          inFlight: m.inFlight,
        };
        return m.health === undefined ? member : { ...member, health: m.health.state };
      }),
    };
  }

  onIdle(): Promise<void> {
    if (this.#router.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#router.idle.push(resolve));
  }

  close(options: CloseOptions = {}): Promise<void> {
    const { abort, timeoutMs, cancelQueued } = checkCloseOptions(options);
    const router = this.#router;
    if (abort || cancelQueued) {
      const how = abort ? 'abort' : 'cancelQueued';
      router.cancelHeld(new PoolClosedError(`balancer '${this.name}' closed with ${how}`));
    }
    if (this.#closing !== undefined) {
      if (abort && this.#config.owns) void closeMembers(this.#members, options);
      return this.#closing;
    }
    router.stopping = true;
    if (!this.#closed) this.#state.next('closing');
    for (const task of router.held.all(true)) {
      const message = `balancer '${this.name}' closed while the task waited for room`;
      const { resolve } = router.held.release(task);
      resolve(router.finish(task, err(new TaskRejected('pool-closed', message))));
    }
    const { clock } = this.#config;
    let deadline: unknown;
    const drained = new Promise<void>((resolve) => {
      void this.onIdle().then(resolve);
      if (timeoutMs === undefined || timeoutMs === Infinity) return;
      deadline = clock.setTimeout(() => {
        router.cancelHeld(
          new PoolClosedError(`balancer '${this.name}' did not drain within ${timeoutMs} ms`),
        );
        resolve();
      }, timeoutMs);
    });
    const started = clock.now();
    const members = !this.#config.owns
      ? drained
      : abort
        ? Promise.all([drained, closeMembers(this.#members, options)])
        : drained.then(() => closeMembers(this.#members, options, clock.now() - started));
    this.#closing = members.then(() => {
      clock.clearTimeout(deadline);
      this.#end();
    });
    return this.#closing;
  }

  /** Makes the close final: streams complete, no timer left, members no longer followed. */
  #end(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#router.end();
    this.#health?.stop();
    this.#noHealth.complete();
    for (const member of this.#members) member.unfollow();
    for (const end of [...this.#metricsEnds]) end();
    this.#state.next('stopped');
    this.#state.complete();
    this.#router.results.complete();
  }
}

/**
 * Creates a balancer over `pools`: a sink that routes each task to one member by `strategy`,
 * never to one that is not running, not available or (with `health`) not healthy enough, and
 * holds tasks (up to `capacity`) while none can take them. It starts nothing: it runs when a
 * member runs.
 * @example
 * const api = createBalancer({
 *   name: 'api',
 *   pools: { apiA, apiB },
 *   strategy: 'least-loaded',
 *   health: { maxErrorRate: 0.2, maxP99Ms: 500 },
 * });
 * const answer = await api.run(request);
 */
export function createBalancer<TInput, TOutput>(
  options: BalancerOptions<TInput, TOutput>,
): Balancer<TInput, TOutput> {
  return new BalancerHandle(resolveBalancerOptions(options));
}
