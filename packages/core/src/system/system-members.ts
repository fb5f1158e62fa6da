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
import { forwardHealth, type SystemHealthTransition } from './system-health.js';
import { systemPipeline, type PipelineHandle } from './system-pipelines.js';
import type { BalancerPlan, PoolPlan, SystemPlan } from './system-plan.js';

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
    member.watching = pool.state$.subscribe((state) =>
      this.hooks.poolState(name, member.actorId, state, pool),
    );
    this.pools.set(name, member);
    return member;
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

  /** Builds pipeline `name` over `stages` (each looked up by name on each call). */
  buildPipeline(name: string, stages: readonly string[]): PipelineHandle {
    const pipeline = systemPipeline(name, stages, (stage) => this.findSink(stage));
    this.pipelines.set(name, pipeline);
    return pipeline;
  }
}
