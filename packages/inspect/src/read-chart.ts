import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';
import { invokeName, invokeNames, transitionLabel } from './labels.js';

/** One state of a chart, as every renderer draws it. */
export interface ChartState {
  /** XState's id of the state node (`pool.closing.draining`); the machine's id for the root. */
  readonly id: string;
  /** Its key in its parent (`draining`); the machine's id for the root. */
  readonly key: string;
  readonly type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  /** The id of its initial child (compound states only). */
  readonly initial: string | undefined;
  /**
   * What happens in it without leaving it: `invokes <src>`, `on <event>` (no target), and
   * `on <event> → <child>` (a transition into a state inside it).
   */
  readonly notes: readonly string[];
  readonly children: readonly ChartState[];
}

/** A transition drawn as an arrow; transitions with the same ends share one arrow. */
export interface ChartEdge {
  readonly source: string;
  readonly target: string;
  /** One label per transition, in the machine's order (`pool.close`, `always [allReady]`). */
  readonly labels: readonly string[];
}

/** A machine's structure, as plain data in the machine's own (document) order. */
export interface Chart {
  readonly root: ChartState;
  readonly edges: readonly ChartEdge[];
  /**
   * Whether the root is drawn as a state of its own: it is when it is parallel, invokes,
   * handles events itself (top-level `on`) or is the end of a transition.
   */
  readonly rootDrawn: boolean;
}

/** Reads a machine's states and transitions through its public `StateNode` API. */
export function readChart(machine: AnyStateMachine): Chart {
  const root = machine.root;
  const invokes = invokeNames(root);
  const edges = new Map<string, { source: string; target: string; labels: string[] }>();

  const readState = (node: AnyStateNode): ChartState => {
    const notes: string[] = node.invoke.map((_, index) => `invokes ${invokeName(node, index)}`);
    const addNote = (note: string): void => {
      if (!notes.includes(note)) notes.push(note);
    };
    if (node.history !== false) addNote(`${node.history} history`);
    for (const transition of transitionsOf(node)) {
      const label = transitionLabel(transition, invokes);
      const targets = transition.target ?? [];
      if (targets.length === 0) addNote(`on ${label}`);
      for (const target of targets) {
        // An arrow from a composite state into itself is drawn badly by Mermaid and Graphviz
        // alike (from its initial dot): it is written in the state instead.
        if (node.type !== 'atomic' && isWithin(target, node)) {
          addNote(`on ${label} → ${target.path.slice(node.path.length).join('.') || node.key}`);
          continue;
        }
        const key = `${node.id}\u0000${target.id}`;
        const edge = edges.get(key);
        if (edge === undefined)
          edges.set(key, { source: node.id, target: target.id, labels: [label] });
        else if (!edge.labels.includes(label)) edge.labels.push(label);
      }
    }
    const initial = node.type === 'compound' ? node.initial.target[0]?.id : undefined;
    return {
      id: node.id,
      key: node === root ? node.id : node.key,
      type: node.type,
      initial,
      notes,
      children: Object.values(node.states).map(readState),
    };
  };

  const chart = readState(root);
  const all = [...edges.values()];
  const rootDrawn =
    root.type === 'parallel' ||
    chart.notes.length > 0 ||
    all.some((edge) => edge.source === root.id || edge.target === root.id);
  return { root: chart, edges: all, rootDrawn };
}

/** A state's own transitions: by event (delayed ones included), then eventless (`always`). */
function transitionsOf(node: AnyStateNode): AnyTransitionDefinition[] {
  const byEvent = [...node.transitions.values()].flat();
  return [...byEvent, ...(node.always ?? [])];
}

function isWithin(node: AnyStateNode, ancestor: AnyStateNode): boolean {
  for (let at: AnyStateNode | undefined = node; at !== undefined; at = at.parent) {
    if (at === ancestor) return true;
  }
  return false;
}
