/**
 * The system machine's input, effects, events and context, and what its actions written outside
 * its `setup` are typed with: a leaf of the machine's modules.
 */
import { enqueueActions, type ActorRefFrom } from 'xstate';
import type { SystemFailedError } from '../errors.js';
import type { PoolState } from '../pool/pool-events.js';
import type { PoolMachineEvent, PoolMachineInput, poolMachine } from '../pool/pool-machine.js';
import type { SupervisorDecision, supervisorMachine } from '../supervision/supervisor-machine.js';
import type { Clock } from '../time/clock.js';
import type { SystemEvent, SystemState } from './system-events.js';
import type { SystemSupervisionConfig } from './system-supervision.js';

export type { SystemState };

/**
 * What the system machine asks of the world and does to it beyond its children: the pools'
 * actor inputs, how to restart a running pool's workers, `events$`, and closing every member.
 * The machine starts and restarts its pool actors itself (events to its children); the rest is
 * carried out by `createSystem` (a test gives a fake that records the calls). Members are
 * named, never handed over.
 */
export interface SystemEffects {
  /** The actor id and pool machine input of pool `name`, read when the system spawns its actor. */
  poolActor(name: string): { readonly id: string; readonly input: PoolMachineInput };
  /**
   * The event that restarts every worker of pool `name` (running or starting) because `cause`
   * failed (a sibling, under `one-for-all` or `rest-for-one`); `undefined` when it has none.
   */
  restartWorkers(name: string, cause: unknown): PoolMachineEvent | undefined;
  /**
   * Replaces pool `name`, whose own handle closed it, with a new pool from its spec: prepared,
   * its actor spawned by `pool.respawn`, its handle built, joined with `pool.join`; balancers
   * over it are rebuilt once it runs. Asynchronous (one after another with reconfigures); does
   * nothing when `name` is no longer waiting for it by then.
   */
  replacePool(name: string): void;
  /** Tells the system's `events$`. */
  emit(event: SystemEvent): void;
  /**
   * Closes every member in reverse dependency order (pipelines, balancers, pools); resolves
   * when all are closed. The same close for a failure and for `close()`. Never rejects.
   */
  close(): Promise<void>;
}

/** What the system actor is started with. */
export interface SystemMachineInput {
  readonly name: string;
  /** The pools, in declaration order: the supervisor's children, in its start order. */
  readonly pools: readonly string[];
  readonly supervision: SystemSupervisionConfig;
  readonly clock: Clock;
  /** Jitter of restart delays; `Math.random` unless a test fixes it. */
  readonly random: () => number;
  readonly effects: SystemEffects;
}

/** Events the system actor takes: calls from the system handle, its pools' states, its supervisor. */
export type SystemMachineEvent =
  | { type: 'system.start' }
  | { type: 'system.close' }
  /**
   * The pool `name` whose actor is `id` entered `state` (told by the handle, from the pool's
   * `state$`); `cause` when failed. A pool being replaced has the same name, another id.
   */
  | { type: 'pool.state'; name: string; id: string; state: PoolState; cause?: unknown }
  /** `reconfigure` added pool `name` (or a replacement of it): spawn its actor. */
  | { type: 'pool.added'; name: string }
  /** … whose handle is ready: supervise it, and start it if the system is starting or running. */
  | { type: 'pool.join'; name: string }
  /** `reconfigure` removes pool `name`: no longer supervised (it is being drained and closed). */
  | { type: 'pool.removed'; name: string }
  /**
   * The pool `name` whose actor is `id` began a close the system did not ask for (its own
   * handle's `close()`): a failure, for the supervisor, that only a replacement can mend.
   */
  | { type: 'pool.closed'; name: string; id: string }
  /** The replacement of lost pool `name` is prepared: spawn its actor, in the same seat. */
  | { type: 'pool.respawn'; name: string }
  /** The pool `name` whose actor is `id`, removed or replaced, is closed: its actor stops. */
  | { type: 'pool.gone'; name: string; id: string }
  /** A restart's delay is over: restart `names` (in declaration order). */
  | { type: 'pools.restart'; names: readonly string[]; cause: unknown; delayId: string }
  | SupervisorDecision;

/** The system's supervisor actor. */
export type SystemSupervisorRef = ActorRefFrom<typeof supervisorMachine>;

/** A system actor's context: plain values, changed by `assign` alone. */
export interface SystemContext {
  readonly name: string;
  readonly supervision: SystemSupervisionConfig;
  readonly clock: Clock;
  readonly random: () => number;
  readonly effects: SystemEffects;
  /** The pools supervised, in declaration order (added ones at the end). */
  pools: readonly string[];
  /** Each pool's actor id (a pool replaced by `reconfigure` gets a new one). */
  ids: Readonly<Record<string, string>>;
  /** Actors of pools removed or replaced, still closing: stopped once closed (`pool.gone`). */
  leaving: readonly string[];
  /**
   * Pools closed through their own handles, waiting for a replacement (`pool.respawn`): a
   * closed pool's actor cannot start again.
   */
  lost: readonly string[];
  /** Each pool's last state. */
  states: Readonly<Record<string, PoolState>>;
  supervisor: SystemSupervisorRef | undefined;
  /** The pool that failed last, and why: what an escalation names. */
  lastFailure: { readonly pool: string; readonly cause: unknown } | undefined;
  failure: SystemFailedError | undefined;
  /** Delayed restarts not yet due (cancelled when the system closes or fails). */
  pendingRestarts: readonly string[];
  restartsMade: number;
  /** A close has begun: the system does not start again. */
  closed: boolean;
}

/** The children the system machine's actions spawn by name. */
export type SystemChildren =
  | { src: 'supervisor'; logic: typeof supervisorMachine; id: string | undefined }
  | { src: 'pool'; logic: typeof poolMachine; id: string | undefined };

/** XState's `enqueueActions`, typed for the system machine. */
export type SystemEnqueueActions = typeof enqueueActions<
  SystemContext,
  SystemMachineEvent,
  undefined,
  SystemMachineEvent,
  SystemChildren,
  never,
  never,
  never,
  never
>;

/** XState's `enqueueActions`, typed for the system machine, for actions in modules of their own. */
export const enqueueSystemActions: SystemEnqueueActions = enqueueActions;

/** The id of the system's supervisor actor: no pool's (a pool's name has no '.'). */
export const SUPERVISOR_ID = 'system.supervisor';
