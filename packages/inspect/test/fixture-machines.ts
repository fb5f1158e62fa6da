import { and, createMachine, fromPromise, not, or, setup, stateIn } from 'xstate';

/**
 * Small machines, each showing a few features of a chart: nesting, a final state, delays,
 * eventless transitions with guards, an invoked actor's done and error, top-level handlers.
 */
export const jobMachine = setup({
  actors: { fetchJob: fromPromise(async () => 1) },
  guards: { isEmpty: () => true, hasRetries: () => true },
  delays: { backoff: 1_000 },
}).createMachine({
  id: 'job',
  initial: 'idle',
  on: { reset: '.idle', ping: { actions: () => {} } },
  states: {
    idle: { on: { start: 'running' } },
    running: {
      initial: 'fetching',
      states: {
        fetching: {
          invoke: { src: 'fetchJob', onDone: 'checking', onError: '#job.failed' },
          after: { 5000: '#job.failed' },
        },
        checking: { always: [{ guard: 'isEmpty', target: '#job.done' }, { target: 'fetching' }] },
      },
      onDone: 'idle',
    },
    failed: { after: { backoff: { guard: 'hasRetries', target: 'running' } } },
    done: { type: 'final' },
  },
});

/** Parallel regions, at the top. */
export const playerMachine = createMachine({
  id: 'player',
  type: 'parallel',
  states: {
    audio: {
      initial: 'muted',
      states: { muted: { on: { unmute: 'loud' } }, loud: { on: { mute: 'muted' } } },
    },
    video: {
      initial: 'hidden',
      states: { hidden: { on: { show: 'shown' } }, shown: {} },
    },
  },
});

/** No top-level handler: its states are drawn at the top, with no box for the machine. */
export const switchMachine = createMachine({
  id: 'switch',
  initial: 'off',
  states: { off: { on: { toggle: 'on' } }, on: { on: { toggle: 'off' } } },
});

/** Guards of every shape. */
export const guardsMachine = setup({
  guards: { ready: () => true, isBig: (_, params: { min: number }) => params.min > 0 },
}).createMachine({
  id: 'guards',
  initial: 'a',
  states: {
    a: {
      on: {
        named: { guard: 'ready', target: 'b' },
        params: { guard: { type: 'isBig', params: { min: 1 } }, target: 'b' },
        combined: { guard: not(and(['ready', or(['ready', stateIn('b')])])), target: 'b' },
        inline: { guard: () => true, target: 'b' },
      },
    },
    b: {},
  },
});

/** Invoked logic given inline rather than by name, and a state named like a Mermaid keyword. */
export const inlineMachine = createMachine({
  id: 'inline',
  initial: 'a',
  states: {
    a: { on: { go: 'b' } },
    b: {
      invoke: [
        { src: fromPromise(async () => 1), onDone: 'c' },
        { id: 'loader', src: fromPromise(async () => 2), onError: 'c' },
        { src: createMachine({ id: 'child' }), onDone: 'a' },
      ],
    },
    c: {},
    end: { on: { go: 'a' } },
  },
});
