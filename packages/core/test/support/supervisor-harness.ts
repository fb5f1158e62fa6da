/**
 * Drives the supervisor: a context for the pure `decideRestart`, and a tiny parent machine that
 * spawns the supervisor actor and records every decision it reports with `sendParent`.
 */
import { createActor, setup, type ActorRefFrom } from 'xstate';
import { createVirtualClock, type VirtualClock } from '@troupe/core';
import { exponentialBackoff } from '../../src/supervision/exponential-backoff.js';
import {
  supervisorMachine,
  type SupervisorContext,
  type SupervisorDecision,
  type SupervisorEvent,
  type SupervisorInput,
} from '../../src/supervision/supervisor-machine.js';

export type ExitEvent = Extract<SupervisorEvent, { type: 'child.exited' }>;
export type RestartDecision = Extract<SupervisorDecision, { type: 'supervisor.restart' }>;

/** Defaults: one-for-one, permanent, 3 restarts in 5 s, 10 ms doubling backoff without jitter. */
export function supervisorInput(overrides: Partial<SupervisorInput> = {}): SupervisorInput {
  return {
    strategy: 'one-for-one',
    restart: 'permanent',
    maxRestarts: 3,
    withinMs: 5_000,
    backoff: exponentialBackoff({ minMs: 10, maxMs: 10_000, factor: 2, jitter: 0 }),
    resetAfterMs: 1_000,
    clock: createVirtualClock(),
    random: () => 0.5,
    ...overrides,
  };
}

/** A fresh context with children a, b and c known (started in that order), unless `order` is given. */
export function supervisorContext(overrides: Partial<SupervisorContext> = {}): SupervisorContext {
  return {
    ...supervisorInput(overrides),
    order: ['a', 'b', 'c'],
    children: {},
    restarts: [],
    decision: undefined,
    ...overrides,
  };
}

export const exited = (id: string, abnormal = true, cause: unknown = new Error(`${id} crashed`)) =>
  ({ type: 'child.exited', id, abnormal, cause }) satisfies ExitEvent;

/** A decision as the parent saw it, or the supervisor reaching its final state. */
export type Seen = SupervisorDecision | { type: 'done' };

export interface SupervisedHarness {
  readonly clock: VirtualClock;
  readonly seen: Seen[];
  readonly supervisor: ActorRefFrom<typeof supervisorMachine>;
  started(...ids: string[]): void;
  exit(id: string, abnormal?: boolean, cause?: unknown): Seen | undefined;
  removed(id: string): void;
  stop(): void;
}

/** Starts a parent machine that invokes the supervisor and records what it reports. */
export function supervised(
  overrides: Partial<Omit<SupervisorInput, 'clock'>> = {},
): SupervisedHarness {
  const clock = createVirtualClock();
  const input = supervisorInput({ ...overrides, clock });
  const seen: Seen[] = [];
  const parentMachine = setup({
    types: { events: {} as SupervisorDecision },
    actors: { supervisor: supervisorMachine },
  }).createMachine({
    invoke: {
      id: 'supervisor',
      src: 'supervisor',
      input,
      onDone: { actions: () => seen.push({ type: 'done' }) },
    },
    on: {
      'supervisor.restart': { actions: ({ event }) => seen.push(event) },
      'supervisor.forget': { actions: ({ event }) => seen.push(event) },
      'supervisor.escalate': { actions: ({ event }) => seen.push(event) },
    },
  });
  const parent = createActor(parentMachine).start();
  const supervisor = parent.getSnapshot().children.supervisor as ActorRefFrom<
    typeof supervisorMachine
  >;
  return {
    clock,
    seen,
    supervisor,
    started: (...ids) => {
      for (const id of ids) supervisor.send({ type: 'child.started', id });
    },
    exit: (id, abnormal = true, cause = new Error(`${id} crashed`)) => {
      const before = seen.length;
      supervisor.send({ type: 'child.exited', id, abnormal, cause });
      return seen.length > before ? seen[before] : undefined;
    },
    removed: (id) => supervisor.send({ type: 'child.removed', id }),
    stop: () => parent.stop(),
  };
}

/** Narrows a decision to a restart, failing the test otherwise. */
export function asRestart(decision: Seen | SupervisorDecision | undefined): RestartDecision {
  if (decision?.type !== 'supervisor.restart') {
    throw new Error(`expected a restart decision, got ${JSON.stringify(decision)}`);
  }
  return decision;
}
