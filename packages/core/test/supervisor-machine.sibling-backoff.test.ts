/**
 * A child that ran stably (for `resetAfterMs` or more) and was then stopped and restarted because a
 * sibling crashed (one-for-all, rest-for-one) starts its backoff over: its next quick crash is
 * attempt 1 with the shortest delay, as after any stable run.
 */
import { createActor, setup } from 'xstate';
import { expect, it } from 'vitest';
import { createVirtualClock } from '@troupe/core';
import { exponentialBackoff } from '../src/supervision/exponential-backoff.js';
import {
  supervisorMachine,
  type SupervisorDecision,
} from '../src/supervision/supervisor-machine.js';

it('one-for-all: a sibling that ran stably starts its backoff over', async () => {
  const clock = createVirtualClock();
  const seen: SupervisorDecision[] = [];
  const parent = setup({
    types: { events: {} as SupervisorDecision },
    actors: { supervisor: supervisorMachine },
  }).createMachine({
    invoke: {
      id: 'supervisor',
      src: 'supervisor',
      input: {
        strategy: 'one-for-all',
        restart: 'permanent',
        maxRestarts: 10,
        withinMs: 1_000,
        backoff: exponentialBackoff({ minMs: 10, jitter: 0 }),
        resetAfterMs: 1_000,
        clock,
      },
    },
    on: { 'supervisor.restart': { actions: ({ event }) => seen.push(event) } },
  });
  const supervisor = createActor(parent).start().getSnapshot().children.supervisor!;
  const send = (e: Parameters<typeof supervisor.send>[0]) => supervisor.send(e);
  send({ type: 'child.started', id: 'a' });
  send({ type: 'child.started', id: 'b' });
  await clock.advance(10);
  send({ type: 'child.exited', id: 'b', abnormal: true, cause: 1 }); // b: attempt 1
  await clock.advance(10);
  send({ type: 'child.started', id: 'a' });
  send({ type: 'child.started', id: 'b' });
  await clock.advance(60_000); // both run stably for a minute
  send({ type: 'child.exited', id: 'a', abnormal: true, cause: 2 }); // one-for-all: a and b restart
  await clock.advance(10);
  send({ type: 'child.started', id: 'a' });
  send({ type: 'child.started', id: 'b' });
  await clock.advance(5);
  send({ type: 'child.exited', id: 'b', abnormal: true, cause: 3 });
  const last = seen.at(-1);
  expect(last).toMatchObject({ id: 'b', attempt: 1, delayMs: 10 });
});
