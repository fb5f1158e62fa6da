import {
  autoscalerMachine,
  healthMachine,
  poolMachine,
  supervisorMachine,
  systemMachine,
  workerMachine,
} from '@troupe/core';
import type { AnyStateMachine } from 'xstate';
import { toMermaid } from './to-mermaid.js';

/** Troupe's machines, in the order the page shows them, each with what it is in one line. */
const MACHINES: readonly { title: string; name: string; what: string; machine: AnyStateMachine }[] =
  [
    {
      title: 'Pool machine',
      name: 'poolMachine',
      what: `A pool's lifecycle: it starts its workers, runs, drains and stops them on close, and fails
when its supervisor gives up. Tasks never pass through it.`,
      machine: poolMachine,
    },
    {
      title: 'Worker machine',
      name: 'workerMachine',
      what: `One worker: its \`setup\` runs in \`starting\` (as the child actor \`setup\`; a worker with no
\`setup\` tells itself \`worker.set-up\`), it is \`idle\` or \`busy\` (the pool sends only those
edges, not an event per task), and its \`teardown\` runs in \`stopping\` or after a crash.`,
      machine: workerMachine,
    },
    {
      title: 'Supervisor machine',
      name: 'supervisorMachine',
      what: `A pool's supervisor (spawned at the first crash of each start, given the seats in start order):
it keeps track of the seats and, when a worker exits, decides to restart it, forget its seat or
escalate; the decision is an event to the pool.`,
      machine: supervisorMachine,
    },
    {
      title: 'Autoscaler machine',
      name: 'autoscalerMachine',
      what: `A pool's autoscaler (\`size.target\` or \`size.dryRun\`): it weighs each metrics tick and, once
it has scaled the pool, cools down before it decides again.`,
      machine: autoscalerMachine,
    },
    {
      title: 'Health machine',
      name: 'healthMachine',
      what: `A sink's health as a circuit breaker (\`watchHealth\`): it judges each closed window of metrics,
degrades and opens on bad ones in a row, probes with a trickle of tasks after \`probeEveryMs\`, and
ramps traffic up in \`healthy.ramping\` after a recovery.`,
      machine: healthMachine,
    },
    {
      title: 'System machine',
      name: 'systemMachine',
      what: `A system of pools (\`createSystem\`), the root supervisor: it spawns its pools' actors as its
children, starts them, restarts a failed pool under its own limits (with a \`supervisorMachine\` of
its own), fails once past them, and closes every member in reverse dependency order.`,
      machine: systemMachine,
    },
  ];

const INTRO = `# State charts

Generated from the machines of \`@troupe/core\` by \`pnpm charts\` (\`scripts/charts.mjs\`, with
\`toMermaid\` from \`@troupe/inspect\`): do not edit this page by hand. A test fails when it no longer
matches the machines.

How to read them:

- An arrow is a transition: its event and, in brackets, its guard
  (\`worker.stop [nothingToTearDown]\`). Transitions between the same two states share one arrow,
  one line each.
- \`always\` is an eventless transition, taken as soon as its guard holds; \`after cooldown\` is a
  delayed one; \`done: x\` and \`error: x\` are the invoked actor \`x\` resolving or failing.
- Lines inside a state say what happens there without leaving it: \`invokes x\` runs the actor \`x\`
  while in the state, \`on e\` handles the event \`e\` with actions only. A note beside a composite
  state (or the whole machine) lists what it handles in every state inside it.
- \`[*]\` marks the initial state, and the end of a final one.
`;

/**
 * The Markdown page `docs/state-charts.md`: Troupe's six machines as Mermaid charts, with a
 * short guide to reading them. `pnpm charts` writes it; a test compares it with the file.
 */
export function stateChartsMarkdown(): string {
  const sections = MACHINES.map(
    ({ title, name, what, machine }) =>
      `## ${title} (\`${name}\`)\n\n${what}\n\n\`\`\`mermaid\n${toMermaid(machine)}\n\`\`\`\n`,
  );
  return [INTRO, ...sections].join('\n');
}
