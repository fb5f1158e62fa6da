import { toDirectedGraph, type DirectedGraphNode } from '@xstate/graph';
import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';

/** One transition of a machine, as coverage counts it: a source, an event, a target. */
export interface MachineEdge {
  /** `source --event--> target`, with state ids (`pool.closing.draining`). */
  readonly key: string;
  readonly source: string;
  readonly target: string;
  /** The event type; `always` for an eventless transition. */
  readonly event: string;
  readonly transition: AnyTransitionDefinition;
}

const keyOf = (source: string, event: string, target: string): string =>
  `${source} --${event}--> ${target}`;

/** The key of a transition taken (from an inspection's microstep), one per target. */
export function transitionKeys(transition: AnyTransitionDefinition): string[] {
  const source = String(transition.source.id);
  const type = String(transition.eventType);
  const event = type === '' ? 'always' : type;
  const targets = transition.target ?? [transition.source];
  return targets.map((t) => keyOf(source, event, String(t.id)));
}

/**
 * Every transition of a machine: the edges `@xstate/graph` draws from its state nodes (by event,
 * delayed ones included), and the eventless (`always`) ones it leaves out.
 */
export function machineEdges(machine: AnyStateMachine): MachineEdge[] {
  const edges: MachineEdge[] = [];
  const seen = new Set<string>();
  const add = (transition: AnyTransitionDefinition): void => {
    for (const key of transitionKeys(transition)) {
      if (seen.has(key)) continue;
      seen.add(key);
      const [source, rest = ''] = key.split(' --');
      const [event = '', target = ''] = rest.split('--> ');
      edges.push({ key, source: source ?? '', target, event, transition });
    }
  };
  const walk = (node: DirectedGraphNode): void => {
    for (const edge of node.edges) add(edge.transition as AnyTransitionDefinition);
    for (const t of (node.stateNode as AnyStateNode).always ?? []) add(t);
    node.children.forEach(walk);
  };
  walk(toDirectedGraph(machine.root));
  return edges;
}

/** The top-level state a state node is in (`closing` for `pool.closing.draining`). */
function topLevel(node: AnyStateNode): string {
  let at = node;
  while (at.parent?.parent !== undefined) at = at.parent;
  return at.key;
}

/**
 * The changes of top-level state a machine allows (`running>closing`), read from its
 * transitions: what `state$` may show, one change at a time. A change may pass through states
 * left at once by an eventless (`always`) transition in the same step: a pool of no worker goes
 * from `stopped` through `starting` to `running` as `start()` returns.
 */
export function legalChanges(machine: AnyStateMachine): ReadonlySet<string> {
  const direct = new Set<string>();
  const eventless = new Set<string>();
  for (const edge of machineEdges(machine)) {
    const from = topLevel(edge.transition.source);
    for (const target of edge.transition.target ?? []) {
      const to = topLevel(target);
      if (from === to) continue;
      direct.add(`${from}>${to}`);
      if (edge.event === 'always') eventless.add(`${from}>${to}`);
    }
  }
  const changes = new Set(direct);
  for (let grew = true; grew;) {
    grew = false;
    for (const change of [...changes]) {
      const [from, via] = change.split('>');
      for (const next of eventless) {
        const [start, to] = next.split('>');
        const through = `${from ?? ''}>${to ?? ''}`;
        if (start === via && from !== to && !changes.has(through)) {
          changes.add(through);
          grew = true;
        }
      }
    }
  }
  return changes;
}

/** The top-level states of a machine. */
export const topLevelStates = (machine: AnyStateMachine): ReadonlySet<string> =>
  new Set(Object.keys(machine.root.states));
