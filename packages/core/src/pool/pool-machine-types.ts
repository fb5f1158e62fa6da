/**
 * The pool machine's input, events and context, and what its actions written outside its
 * `setup` are typed with: a leaf of the machine's modules (its guards and actions import it).
 */
import { enqueueActions, type ActorRefFrom } from 'xstate';
import type { Clock } from '../time/clock.js';
import type { PoolFailedError } from '../errors.js';
import type { SupervisorDecision, supervisorMachine } from '../supervision/supervisor-machine.js';
import type { SupervisionConfig } from '../supervision/supervision-options.js';
import type { WorkerParentEvent } from '../worker/worker-machine.js';
import type { WorkerLogic } from '../worker/worker-logic.js';
import type { PoolEffects } from './pool-effects.js';
import type { ScaleReason } from '../scaling/autoscaler-machine.js';

/** What the pool actor is started with. */
export interface PoolMachineInput {
  readonly name: string;
  readonly size: number;
  readonly logic: WorkerLogic<unknown, unknown, unknown>;
  /** Where its decisions are carried out: the engine (a fake, in a test). */
  readonly effects: PoolEffects;
  readonly clock: Clock;
  readonly supervision: SupervisionConfig;
  readonly random: () => number;
}

/** Events the pool actor takes: calls from the pool handle, its workers' and supervisor's reports. */
export type PoolMachineEvent =
  | { type: 'pool.start' }
  | { type: 'pool.close'; abort: boolean; reason: unknown }
  | { type: 'pool.timeout'; reason: unknown }
  | {
      type: 'pool.resize';
      size: number;
      /** Set when the pool sizes itself (autoscaling); absent for `resize(n)`. */
      because?: ScaleReason;
      detail?: string;
      /** The seat to give up first (an idle worker retiring). */
      retire?: string;
    }
  | {
      type: 'seats.respawn';
      seats: readonly string[];
      epoch: number;
      /** A worker given up by its executor (`replace`), not a restart by the supervisor. */
      replaced?: boolean;
      /** The id of the delayed raise that brought it (a restart's): no longer pending. */
      delayId?: string;
    }
  | WorkerParentEvent
  | SupervisorDecision;

/** The pool's supervisor actor. */
export type SupervisorRef = ActorRefFrom<typeof supervisorMachine>;

/**
 * A pool actor's context: plain values, changed by `assign` alone. The seats and worker actors,
 * which change on every worker event, are the effects' (`PoolEffects.seats`).
 */
export interface PoolContext {
  readonly name: string;
  readonly logic: WorkerLogic<unknown, unknown, unknown>;
  readonly effects: PoolEffects;
  readonly clock: Clock;
  readonly supervision: SupervisionConfig;
  readonly random: () => number;
  /** The number of seats the pool keeps (a forgotten `'temporary'` seat lowers it). */
  size: number;
  /** The size last asked for (option or resize): a new start begins with it. */
  requestedSize: number;
  supervisor: SupervisorRef | undefined;
  /** Counts starts: a delayed respawn from an earlier life of the pool is ignored. */
  epoch: number;
  /** `close({ abort: true })` was asked for during this close: no setup is waited for. */
  aborting: boolean;
  failure: PoolFailedError | undefined;
  /**
   * The ids of delayed restarts not yet due: a pool that stops or fails cancels them, so that
   * no timer of it is left to keep the process alive. (Few: restarts are rare and limited.)
   */
  pendingRespawns: readonly string[];
  /** Delayed restarts scheduled so far: the next one's id. */
  respawnsMade: number;
}

/** What a guard or a plain action of the pool machine is called with. */
export interface PoolActionArgs {
  readonly context: PoolContext;
  readonly event: PoolMachineEvent;
}

/** The one child the pool machine's actions spawn by name (in `begin`). */
export interface SupervisorActor {
  src: 'supervisor';
  logic: typeof supervisorMachine;
  id: string | undefined;
}

/** XState's `enqueueActions` for the pool machine's context, events and spawned supervisor. */
export type PoolEnqueueActions = typeof enqueueActions<
  PoolContext,
  PoolMachineEvent,
  undefined,
  PoolMachineEvent,
  SupervisorActor,
  never,
  never,
  never,
  never
>;

/**
 * XState's `enqueueActions`, typed for the pool machine, so that its actions can be written in
 * modules of their own and named in its `setup`.
 */
export const enqueuePoolActions: PoolEnqueueActions = enqueueActions;
