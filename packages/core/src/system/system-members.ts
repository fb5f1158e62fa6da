import type { Subject, Subscription } from 'rxjs';
import type { Balancer } from '../balancing/balancer.js';
import { createBalancer } from '../balancing/create-balancer.js';
import { createPoolAround } from '../pool/create-pool.js';
import type { PoolState } from '../pool/pool-events.js';
import { preparePool, type PoolActorRef, type PoolParts } from '../pool/pool-parts.js';
import type { Pool } from '../pool/pool.js';
import { restartWorkersEvent } from '../pool/restart-workers.js';
import type { PoolMachineEvent } from '../pool/pool-machine.js';
import type { TaskSink } from '../sink.js';
import { Replacements } from './replacements.js';
import { forwardHealth, type SystemHealthTransition } from './system-health.js';
import { systemPipeline, type PipelineHandle } from './system-pipelines.js';
import type { BalancerPlan, PoolPlan, SystemPlan } from './system-plan.js';
import type { SystemSnapshot } from './system.js';

/** One pool of the system: its plan, its parts, its actor's id, and the handle around the actor. */
export interface PoolMember {
  readonly name: string;
  readonly plan: PoolPlan;
  readonly parts: PoolParts<unknown, unknown>;
  readonly actorId: string;
  pool: Pool<unknown, unknown>;
  actor: PoolActorRef;
  watching: Subscription | undefined;
}

/** One balancer of the system, and the forwarding of its members' health to the system. */
export interface BalancerMember {
  readonly name: string;
  readonly plan: BalancerPlan;
  readonly balancer: Balancer<unknown, unknown>;
  readonly health: Subscription;
}

/** Where the members tell what happens to them. */
export interface MemberHooks {
  /** Pool `name` (actor `id`) entered `state`. */
  poolState(name: string, id: string, state: PoolState, pool: Pool<unknown, unknown>): void;
  /**
   * Pool `name` (actor `id`) began to close, or its close became final (its `state$` completed:
   * a pool never started closes without a state of its own). Told for every close; the system
   * actor tells the ones it did not ask for.
   */
  poolClosed(name: string, id: string): void;
  /** Health transitions of balancer members. */
  readonly health$: Subject<SystemHealthTransition>;
}

/**
 * The system's members by name — pools, balancers, pipelines — and how each is made. Pools are prepared (options checked, engine made) before their actor is
 * spawned by the system actor, then adopted: the handle is built around the spawned actor.
 */
export class SystemMembers {
  readonly pools = new Map<string, PoolMember>();
  readonly balancers = new Map<string, BalancerMember>();
  readonly pipelines = new Map<string, PipelineHandle>();
  /** Pools a reconfigure removed or replaced, still draining (a close closes them too). */
  readonly leavingPools = new Set<Pool<unknown, unknown>>();
  /** Balancers a reconfigure removed or rebuilt, still draining. */
  readonly leavingBalancers = new Set<Balancer<unknown, unknown>>();
  /** Pools closed through their own handles, being replaced. */
  readonly replacements = new Replacements();
  /** Pools prepared and not yet adopted, by name. */
  readonly #pending = new Map<string, Omit<PoolMember, 'pool' | 'actor' | 'watching'>>();
  /** Actors made per pool name: a replacement's actor id is `<name>.<n>` (no name has a `.`). */
  readonly #made = new Map<string, number>();

  constructor(
    readonly plan: Pick<SystemPlan, 'clock' | 'inspect'>,
    readonly hooks: MemberHooks,
  ) {}

  /** Checks the pool's options, makes its engine; its actor is spawned next (`poolActor`). */
  prepare(plan: PoolPlan): void {
    const made = (this.#made.get(plan.name) ?? 0) + 1;
    this.#made.set(plan.name, made);
    const actorId = made === 1 ? plan.name : `${plan.name}.${made}`;
    const parts = preparePool(plan.options);
    this.#pending.set(plan.name, { name: plan.name, plan, parts, actorId });
  }

  /** The prepared pool `name`'s actor id and machine input (for the system actor to spawn). */
  poolActor(name: string): { id: string; input: PoolParts<unknown, unknown>['input'] } {
    const pending = this.#pending.get(name);
    if (pending === undefined) throw new Error(`pool '${name}' was not prepared`);
    return { id: pending.actorId, input: pending.parts.input };
  }

  /** Builds the handle of prepared pool `name` around `actor`; it replaces any pool of that name. */
  adopt(name: string, actor: PoolActorRef): PoolMember {
    const pending = this.#pending.get(name);
    if (pending === undefined) throw new Error(`pool '${name}' was not prepared`);
    this.#pending.delete(name);
    const pool = createPoolAround(pending.parts, actor);
    const member: PoolMember = { ...pending, pool, actor, watching: undefined };
    member.watching = pool.state$.subscribe({
      next: (state) => {
        this.hooks.poolState(name, member.actorId, state, pool);
        if (state === 'closing') this.hooks.poolClosed(name, member.actorId);
      },
      complete: () => this.hooks.poolClosed(name, member.actorId),
    });
    this.pools.set(name, member);
    return member;
  }

  /** The pools' handles by name (for `system.metrics$`). */
  poolSinks(): Map<string, Pool<unknown, unknown>> {
    return new Map([...this.pools].map(([name, m]) => [name, m.pool]));
  }

  /** The balancers by name (for `system.metrics$`). */
  balancerSinks(): Map<string, Balancer<unknown, unknown>> {
    return new Map([...this.balancers].map(([name, m]) => [name, m.balancer]));
  }

  /** Each member's state (a pipeline's stages), by name: the members' part of the system's snapshot. */
  snapshot(): Pick<SystemSnapshot, 'pools' | 'balancers' | 'pipelines'> {
    const pools = [...this.pools].map(([name, m]) => [name, m.pool.getSnapshot().state]);
    const balancers = [...this.balancers].map(([n, m]) => [n, m.balancer.getSnapshot().state]);
    return {
      pools: Object.fromEntries(pools) as SystemSnapshot['pools'],
      balancers: Object.fromEntries(balancers) as SystemSnapshot['balancers'],
      pipelines: Object.fromEntries([...this.pipelines].map(([name, p]) => [name, p.stages])),
    };
  }

  /** The event that restarts pool `name`'s workers in place (see `restartWorkersEvent`). */
  restartWorkers(name: string, cause: unknown): PoolMachineEvent | undefined {
    const member = this.pools.get(name);
    return member === undefined ? undefined : restartWorkersEvent(member.parts.engine.seats, cause);
  }

  /** The pool or balancer `name` now, if there is one. */
  findSink(name: string): TaskSink<unknown, unknown> | undefined {
    return this.pools.get(name)?.pool ?? this.balancers.get(name)?.balancer;
  }

  /** A pool or a balancer, by name. */
  sinkOf(name: string): TaskSink<unknown, unknown> {
    const sink = this.findSink(name);
    if (sink === undefined) throw new RangeError(`no pool or balancer '${name}' in this system`);
    return sink;
  }

  /** Builds balancer `plan.name` over its members (which exist already: dependency order). */
  buildBalancer(plan: BalancerPlan): BalancerMember {
    const members = plan.members.map((name) => [name, this.sinkOf(name)] as const);
    const balancer = createBalancer<unknown, unknown>({
      ...(plan.options as object),
      name: plan.name,
      pools: Object.fromEntries(members),
      clock: this.plan.clock,
    });
    const health = forwardHealth(plan.name, balancer, this.hooks.health$);
    const member: BalancerMember = { name: plan.name, plan, balancer, health };
    this.balancers.set(plan.name, member);
    return member;
  }

  /**
   * When pool `name`, or a pool under balancer `name`, is being replaced: resolves once every
   * such replacement is over; `undefined` when none is.
   */
  replaced(name: string): Promise<void> | undefined {
    const pending = this.#poolsUnder(name).filter((pool) => this.replacements.pending(pool));
    if (pending.length === 0) return undefined;
    return Promise.all(pending.map((pool) => this.replacements.done(pool))).then(() => undefined);
  }

  #poolsUnder(name: string): string[] {
    if (this.pools.has(name)) return [name];
    const members = this.balancers.get(name)?.plan.members ?? [];
    return members.flatMap((member) => this.#poolsUnder(member));
  }

  /** Builds pipeline `name` over `stages` (each looked up by name on each call). */
  buildPipeline(name: string, stages: readonly string[]): PipelineHandle {
    const pipeline = systemPipeline(name, stages, {
      current: (stage) => this.findSink(stage),
      replaced: (stage) => this.replaced(stage),
    });
    this.pipelines.set(name, pipeline);
    return pipeline;
  }
}
