/**
 * The exit of a child the supervisor does not know — never reported started, or already
 * `child.removed` — stops none of the children it does know: under rest-for-one nothing was
 * started after it, and under one-for-all it is no sibling of theirs.
 */
import { createActor, setup } from 'xstate';
import { expect, it } from 'vitest';
import { createVirtualClock } from '@troupe/core';
import { exponentialBackoff } from '../src/supervision/exponential-backoff.js';
import {
  decideRestart,
  supervisorMachine,
  type SupervisorContext,
  type SupervisorDecision,
} from '../src/supervision/supervisor-machine.js';

const context: SupervisorContext = {
  strategy: 'rest-for-one',
  restart: 'permanent',
  maxRestarts: 3,
  withinMs: 5_000,
  backoff: exponentialBackoff({ jitter: 0 }),
  resetAfterMs: 1_000,
  clock: createVirtualClock(),
  order: ['a', 'b', 'c'],
  children: {},
  restarts: [],
  decision: undefined,
};

it('rest-for-one: an unknown child exiting does not restart every started child', () => {
  const { decision } = decideRestart(
    context,
    { type: 'child.exited', id: 'x', abnormal: true, cause: 'boom' },
    0,
  );
  expect(decision).not.toMatchObject({ stop: ['a', 'b', 'c'] });
});

it('machine: a child exiting after child.removed does not stop its former siblings', () => {
  const seen: SupervisorDecision[] = [];
  const parent = setup({
    types: { events: {} as SupervisorDecision },
    actors: { supervisor: supervisorMachine },
  }).createMachine({
    invoke: { id: 'supervisor', src: 'supervisor', input: context },
    on: { 'supervisor.restart': { actions: ({ event }) => seen.push(event) } },
  });
  const actor = createActor(parent).start();
  const supervisor = actor.getSnapshot().children.supervisor!;
  for (const id of ['a', 'b', 'c']) supervisor.send({ type: 'child.started', id });
  supervisor.send({ type: 'child.removed', id: 'c' }); // e.g. scaled down
  supervisor.send({ type: 'child.exited', id: 'c', abnormal: true, cause: 'stopped late' });
  expect(seen.flatMap((d) => (d.type === 'supervisor.restart' ? d.stop : []))).toEqual([]);
});
