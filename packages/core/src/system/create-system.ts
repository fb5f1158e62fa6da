import { createActor, type Actor } from 'xstate';
import type { Balancer } from '../balancing/balancer.js';
import { checkCloseOptions } from '../close-options.js';
import { PoolStateError } from '../errors.js';
import type { PoolActorRef } from '../pool/pool-parts.js';
import type { Pool } from '../pool/pool.js';
import type { CloseOptions } from '../sink.js';
import { checkFixed, keepFixed, reconfigureSystem, type Reconfigurable } from './reconfigure.js';
import { replacePool } from './replace-pool.js';
import type { CheckedSpec } from './spec-types.js';
import type { System, SystemSnapshot } from './system.js';
import { SystemClose } from './system-close.js';
import type { SystemEvent, SystemState } from './system-events.js';
import { systemMachine, type SystemEffects } from './system-machine.js';
import { SystemMembers } from './system-members.js';
import type { SystemPipeline } from './system-pipelines.js';
import { planSystem, type SystemPlan } from './system-plan.js';
import type { SystemSpec } from './system-spec.js';
import { SystemStreams } from './system-streams.js';

const topState = (value: unknown): SystemState =>
  (typeof value === 'string' ? value : Object.keys(value as object)[0]) as SystemState;

/**
 * What `createSystem` returns: the system actor (the root supervisor, its pools' actors its
 * children), the members built around it, its streams; start, close and reconfigure.
 */
class SystemHandle implements Reconfigurable {
  readonly name: string;
  readonly state$: System['state$'];
  readonly events$: System['events$'];
  readonly health$: System['health$'];
  readonly metrics$: System['metrics$'];
  readonly members: SystemMembers;
  readonly actor: Actor<typeof systemMachine>;
  plan: SystemPlan;
  readonly #streams: SystemStreams;
  #starting: Promise<void> | undefined;
  #close: SystemClose | undefined;
  #closing: Promise<void> | undefined;
  #closeOptions: CloseOptions = {};
  #reconfiguring: Promise<unknown> = Promise.resolve();
  /** Lost pools whose replacement is waiting its turn. */
  readonly #replacing = new Set<string>();

  constructor(plan: SystemPlan) {
    this.plan = plan;
    this.name = plan.name;
    const streams = new SystemStreams(
      { pools: () => this.members.poolSinks(), balancers: () => this.members.balancerSinks() },
      plan.clock,
      plan.metricsIntervalMs,
    );
    this.#streams = streams;
    const members = new SystemMembers(plan, {
      poolState: (name, id, state, pool) => {
        streams.emit({ type: 'pool.state', pool: name, state });
        const cause = state === 'failed' ? pool.getSnapshot().failure : undefined;
        this.actor.send({ type: 'pool.state', name, id, state, cause });
      },
      poolClosed: (name, id) => {
        if (this.actor.getSnapshot().status === 'active')
          this.actor.send({ type: 'pool.closed', name, id });
      },
      health$: streams.healthIn,
    });
    this.members = members;
    for (const pool of plan.pools) members.prepare(pool);
    const effects: SystemEffects = {
      poolActor: (name) => members.poolActor(name),
      restartWorkers: (name, cause) => members.restartWorkers(name, cause),
      replacePool: (name) => this.#replace(name),
      emit: (event) => streams.emit(event),
      // A failure closes with no options (a drain); a later close() shares it, abort and all.
      close: () => this.#beginClose(this.#closeOptions),
    };
    this.actor = createActor(systemMachine, {
      id: plan.name,
      clock: plan.clock,
      ...(plan.inspect === undefined ? {} : { inspect: plan.inspect }),
      input: {
        name: plan.name,
        pools: plan.pools.map((p) => p.name),
        supervision: plan.supervision,
        clock: plan.clock,
        random: plan.random,
        effects,
      },
    });
    for (const pool of plan.pools) this.adoptPool(pool.name);
    for (const balancer of plan.balancers) members.buildBalancer(balancer);
    for (const { name, stages } of plan.pipelines) members.buildPipeline(name, stages);
    this.actor.subscribe((snapshot) => {
      members.replacements.follow(snapshot.context.lost);
      const state = topState(snapshot.value);
      if (state !== streams.state) streams.enter(state);
      if (state === 'stopped' && snapshot.context.closed) this.#end();
    });
    this.actor.start();
    this.state$ = streams.state$;
    this.events$ = streams.events$;
    this.health$ = streams.health$;
    this.metrics$ = streams.metrics$;
  }

  /** Builds the handle of prepared pool `name` around the actor the system actor spawned for it. */
  adoptPool(name: string): void {
    const { id } = this.members.poolActor(name);
    const actor = this.actor.getSnapshot().children[id] as PoolActorRef | undefined;
    if (actor === undefined) throw new Error(`the system did not spawn pool '${name}'`);
    this.members.adopt(name, actor);
  }

  tell(event: SystemEvent): void {
    this.#streams.emit(event);
  }

  get state(): SystemState {
    return this.#streams.state;
  }

  start(): Promise<void> {
    const state = this.#streams.state;
    if (
      this.#closing !== undefined ||
      state === 'closing' ||
      this.actor.getSnapshot().context.closed
    )
      return Promise.reject(
        new PoolStateError(
          'start',
          state,
          `cannot start system '${this.name}': it is closing or closed (create a new one)`,
        ),
      );
    const failure = this.actor.getSnapshot().context.failure;
    if (failure !== undefined) return Promise.reject(failure);
    if (state === 'running') return Promise.resolve();
    if (this.#starting !== undefined) return this.#starting;
    this.#starting = new Promise<void>((resolve, reject) => {
      const subscription = this.actor.subscribe((snapshot) => {
        const now = topState(snapshot.value);
        if (now === 'starting') return;
        subscription.unsubscribe();
        if (now === 'running') resolve();
        else if (snapshot.context.failure !== undefined) reject(snapshot.context.failure);
        else
          reject(
            new PoolStateError(
              'start',
              now,
              `system '${this.name}' became ${now} before it was running`,
            ),
          );
      });
    }).finally(() => {
      this.#starting = undefined;
    });
    this.actor.send({ type: 'system.start' });
    return this.#starting;
  }

  pool(name: string): Pool<unknown, unknown> {
    const member = this.members.pools.get(name);
    if (member === undefined) throw new RangeError(`system '${this.name}' has no pool '${name}'`);
    return member.pool;
  }

  balancer(name: string): Balancer<unknown, unknown> {
    const member = this.members.balancers.get(name);
    if (member === undefined)
      throw new RangeError(`system '${this.name}' has no balancer '${name}'`);
    return member.balancer;
  }

  pipeline(name: string): SystemPipeline<unknown, unknown> {
    const pipeline = this.members.pipelines.get(name);
    if (pipeline === undefined)
      throw new RangeError(`system '${this.name}' has no pipeline '${name}'`);
    return pipeline;
  }

  getSnapshot(): SystemSnapshot {
    const failure = this.actor.getSnapshot().context.failure;
    return {
      name: this.name,
      state: this.#streams.state,
      ...this.members.snapshot(),
      ...(failure === undefined ? {} : { failure }),
    };
  }

  reconfigure<const S2 extends SystemSpec>(spec: CheckedSpec<S2>): Promise<System<S2>> {
    let plan: SystemPlan;
    try {
      plan = planSystem(keepFixed(spec, this.plan));
      checkFixed(this.plan, plan);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const state = this.#streams.state;
    if (this.#closing !== undefined || (state !== 'running' && state !== 'stopped'))
      return Promise.reject(
        new PoolStateError(
          'reconfigure',
          state,
          `cannot reconfigure system '${this.name}' while it is ${state}`,
        ),
      );
    // One after another; each starts outside the caller's stack (a subscriber of state$, say).
    const applied = this.#reconfiguring.then(() => reconfigureSystem(this, plan));
    this.#reconfiguring = applied.catch(() => undefined);
    return applied.then(() => this as unknown as System<S2>);
  }

  close(options: CloseOptions = {}): Promise<void> {
    checkCloseOptions(options);
    if (this.#closing !== undefined) {
      if (options.abort === true) this.#close?.abort();
      return this.#closing;
    }
    this.#closeOptions = options;
    this.#closing = new Promise<void>((resolve) => {
      const subscription = this.actor.subscribe((snapshot) => {
        if (topState(snapshot.value) !== 'stopped' || !snapshot.context.closed) return;
        subscription.unsubscribe();
        resolve();
      });
    });
    // A failed system is closing its members already: the abort reaches them at once.
    if (options.abort === true) this.#close?.abort();
    this.actor.send({ type: 'system.close' });
    return this.#closing;
  }

  /**
   * Replaces lost pool `name` (see `replacePool`), one after another with reconfigures; a
   * replacement already on its way is not asked for twice.
   */
  #replace(name: string): void {
    if (this.#replacing.has(name)) return;
    this.#replacing.add(name);
    const replaced = this.#reconfiguring.then(() => {
      this.#replacing.delete(name);
      return replacePool(this, name);
    });
    this.#reconfiguring = replaced.catch(() => undefined);
  }

  /** Every member's close, in reverse dependency order (the same one for the failure and `close()`). */
  #beginClose(options: CloseOptions): Promise<void> {
    if (this.#close === undefined) {
      const { members } = this;
      members.replacements.endAll();
      this.#close = new SystemClose(
        {
          clock: this.plan.clock,
          pipelines: [...members.pipelines.values()],
          balancers: [
            ...members.leavingBalancers,
            ...[...members.balancers.values()].reverse().map((b) => b.balancer),
          ],
          pools: [...[...members.pools.values()].map((p) => p.pool), ...members.leavingPools],
        },
        options,
      );
    } else if (options.abort === true) this.#close.abort();
    return this.#close.done;
  }

  /** The close is final: health watches stop, streams complete, the system actor stops. */
  #end(): void {
    for (const { health } of this.members.balancers.values()) health.unsubscribe();
    for (const { watching } of this.members.pools.values()) watching?.unsubscribe();
    this.#streams.complete();
    queueMicrotask(() => this.actor.stop());
  }
}

/**
 * Creates a system of pools, balancers and pipelines from a spec (in `stopped`): validated as a
 * whole — every problem at once, each at its path, in one `InvalidSystemSpecError` — and typed
 * from it: `system.pool('name')` is that pool's type, an unknown name or a pipeline whose stages
 * do not chain does not compile. `await system.start()` starts the pools.
 *
 * @example
 * const system = createSystem({
 *   pools: { apiA: { worker: callA, size: 4 }, apiB: { worker: callB, size: 4 } },
 *   balancers: { api: { pools: ['apiA', 'apiB'], strategy: 'least-loaded' } },
 *   supervision: { strategy: 'one-for-one', maxRestarts: 3, withinMs: 60_000 },
 * });
 * await system.start();
 * await system.balancer('api').run(request);
 * await system.close();
 */
export function createSystem<const S extends SystemSpec>(spec: CheckedSpec<S>): System<S> {
  return new SystemHandle(planSystem(spec)) as unknown as System<S>;
}
