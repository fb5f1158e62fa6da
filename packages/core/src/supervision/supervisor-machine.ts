import { assign, sendParent, setup } from 'xstate';
import type { Clock } from '../time/clock.js';
import { RestartLimitExceededError } from '../errors.js';
import type { Backoff } from './exponential-backoff.js';

/** Which children restart when one exits abnormally (OTP's meaning; order = start order). */
export type SupervisionStrategy = 'one-for-one' | 'one-for-all' | 'rest-for-one';

/** When a child is restarted: always, only after an abnormal exit, or never. */
export type RestartType = 'permanent' | 'transient' | 'temporary';

/** What a supervisor actor is started with. */
export interface SupervisorInput {
  readonly strategy: SupervisionStrategy;
  readonly restart: RestartType;
  readonly maxRestarts: number;
  readonly withinMs: number;
  readonly backoff: Backoff;
  /** A child that ran this long since its last start has its backoff reset. */
  readonly resetAfterMs: number;
  readonly clock: Clock;
  /** Source of jitter; `Math.random` unless a test fixes it. */
  readonly random?: () => number;
  /**
   * Children it supervises from the start, in start order, as if each had been `child.added`.
   * A pool spawns its supervisor at the first crash, not at start, and hands it its seats: until
   * then the supervisor would only record them (no restarts yet, every backoff series at zero).
   * @default []
   */
  readonly startOrder?: readonly string[];
}

/** What a supervisor is told about its children. */
export type SupervisorEvent =
  | { type: 'child.added'; id: string }
  | { type: 'child.started'; id: string }
  | { type: 'child.removed'; id: string }
  | { type: 'child.exited'; id: string; abnormal: boolean; cause: unknown };

/** A supervisor's decision, sent to its parent. */
export type SupervisorDecision =
  | {
      type: 'supervisor.restart';
      /** The child that exited. */
      readonly id: string;
      /** Every child to restart, in start order (the exited one included). */
      readonly ids: readonly string[];
      /** Running siblings to stop first (one-for-all, rest-for-one). */
      readonly stop: readonly string[];
      readonly delayMs: number;
      /** Consecutive restarts of `id`, this one included. */
      readonly attempt: number;
      readonly cause: unknown;
    }
  | { type: 'supervisor.forget'; readonly id: string }
  | { type: 'supervisor.escalate'; readonly error: RestartLimitExceededError };

interface ChildRecord {
  /** When it last started running; `undefined` while it is (re)starting. */
  startedAt: number | undefined;
  /** Restarts in its current series (reset after a stable run). */
  consecutive: number;
}

/** A supervisor's context: start order, recent restarts, backoff state per child. */
export interface SupervisorContext extends SupervisorInput {
  order: string[];
  children: Record<string, ChildRecord>;
  restarts: number[];
  decision: SupervisorDecision | undefined;
}

/**
 * Decides what a child's exit means under OTP rules: nothing (restart type says so), a restart
 * of one or more children after a backoff delay, or escalation (restart intensity exceeded).
 * Pure: the supervisor machine only stores what it returns.
 */
export function decideRestart(
  context: SupervisorContext,
  event: Extract<SupervisorEvent, { type: 'child.exited' }>,
  now: number,
): { decision: SupervisorDecision; restarts: number[]; children: Record<string, ChildRecord> } {
  const { restart, strategy, maxRestarts, withinMs, backoff, resetAfterMs } = context;
  if (!context.order.includes(event.id)) {
    // Not (or no longer) a child of this supervisor: OTP ignores such exits.
    const decision: SupervisorDecision = { type: 'supervisor.forget', id: event.id };
    return { decision, restarts: context.restarts, children: context.children };
  }
  const wanted = restart === 'permanent' || (restart === 'transient' && event.abnormal);
  if (!wanted) {
    const children = { ...context.children };
    delete children[event.id];
    return {
      decision: { type: 'supervisor.forget', id: event.id },
      restarts: context.restarts,
      children,
    };
  }
  const recent = context.restarts.filter((t) => t > now - withinMs);
  if (recent.length >= maxRestarts) {
    return {
      decision: {
        type: 'supervisor.escalate',
        error: new RestartLimitExceededError(recent.length + 1, withinMs, event.cause),
      },
      restarts: recent,
      children: context.children,
    };
  }
  const record = context.children[event.id];
  const stable = record?.startedAt !== undefined && now - record.startedAt >= resetAfterMs;
  const attempt = stable ? 1 : (record?.consecutive ?? 0) + 1;
  const position = context.order.indexOf(event.id);
  const affected =
    strategy === 'one-for-one'
      ? [event.id]
      : strategy === 'one-for-all'
        ? [...context.order]
        : context.order.slice(position);
  // Every child restarted is not running until it reports `child.started` again; siblings
  // that had run stably start a fresh backoff series.
  const children: Record<string, ChildRecord> = { ...context.children };
  for (const id of affected) {
    const previous = children[id];
    const consecutive =
      id === event.id
        ? attempt
        : previous?.startedAt !== undefined && now - previous.startedAt >= resetAfterMs
          ? 0
          : (previous?.consecutive ?? 0);
    children[id] = { startedAt: undefined, consecutive };
  }
  return {
    decision: {
      type: 'supervisor.restart',
      id: event.id,
      ids: affected,
      stop: affected.filter((id) => id !== event.id),
      delayMs: backoff.delay(attempt, context.random),
      attempt,
      cause: event.cause,
    },
    restarts: [...recent, now],
    children,
  };
}

/** The ids in a start order, as a set (kept for the array `track` appends to in place). */
const memberSets = new WeakMap<readonly string[], Set<string>>();
function membersOf(order: readonly string[]): Set<string> {
  let members = memberSets.get(order);
  if (members === undefined) {
    members = new Set(order);
    memberSets.set(order, members);
  }
  return members;
}

/**
 * An OTP-style supervisor as an actor: it is told when its children start, exit or are removed,
 * and answers its parent with a decision: restart (which children, after what delay), forget
 * (do not restart), or escalate (the restart limit is exceeded; it then stays `escalated`).
 */
export const supervisorMachine = setup({
  types: {
    input: {} as SupervisorInput,
    context: {} as SupervisorContext,
    events: {} as SupervisorEvent,
  },
  actions: {
    /**
     * A child joins (at the end of the start order) or starts running (now, for backoff resets).
     * Changes `order` and `children` in place: these events come once per child at start, and
     * copying both per event made starting n children O(n²). (`decideRestart`, on the rare
     * exit, still returns fresh ones.)
     */
    track: assign(({ context, event }) => {
      if (event.type !== 'child.started' && event.type !== 'child.added') return {};
      const { order, children } = context;
      const members = membersOf(order);
      if (!members.has(event.id)) {
        order.push(event.id);
        members.add(event.id);
      }
      const previous = children[event.id];
      const startedAt = event.type === 'child.started' ? context.clock.now() : previous?.startedAt;
      if (previous === undefined) children[event.id] = { startedAt, consecutive: 0 };
      else previous.startedAt = startedAt;
      return {};
    }),
    untrack: assign(({ context, event }) => {
      if (event.type !== 'child.removed') return {};
      const children = { ...context.children };
      delete children[event.id];
      return { order: context.order.filter((id) => id !== event.id), children };
    }),
    decide: assign(({ context, event }) => {
      if (event.type !== 'child.exited') return {};
      return decideRestart(context, event, context.clock.now());
    }),
    report: sendParent(({ context }) => context.decision!),
  },
  guards: {
    escalated: ({ context }) => context.decision?.type === 'supervisor.escalate',
  },
}).createMachine({
  id: 'supervisor',
  initial: 'supervising',
  context: ({ input: { startOrder, ...input } }) => ({
    ...input,
    order: startOrder === undefined ? [] : [...startOrder],
    children: {},
    restarts: [],
    decision: undefined,
  }),
  states: {
    supervising: {
      on: {
        'child.added': { actions: 'track' },
        'child.started': { actions: 'track' },
        'child.removed': { actions: 'untrack' },
        'child.exited': { target: 'deciding', actions: 'decide' },
      },
    },
    deciding: {
      entry: 'report',
      always: [{ guard: 'escalated', target: 'escalated' }, { target: 'supervising' }],
    },
    escalated: {
      type: 'final',
    },
  },
});
