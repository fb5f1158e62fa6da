import type { AnyStateMachine } from 'xstate';
import { readChart, type ChartEdge, type ChartState } from './read-chart.js';

/**
 * Draws a machine as a Mermaid `stateDiagram-v2`: compound states as composite states, parallel
 * regions split by `--`, guards as `event [guard]`, invoked actors and events handled without a
 * change of state written in the state (`invokes drain`, `on pool.resize`). The same machine
 * always gives the same text.
 *
 * @example
 * ```ts
 * import { workerMachine } from '@troupe/core';
 * console.log('```mermaid\n' + toMermaid(workerMachine) + '\n```');
 * ```
 */
export function toMermaid(machine: AnyStateMachine): string {
  const chart = readChart(machine);
  const ids = mermaidIds(chart.root);
  const id = (stateId: string): string => ids.get(stateId) ?? stateId;
  const arrow = (edge: ChartEdge, pad: string): string =>
    `${pad}${id(edge.source)} --> ${id(edge.target)} : ${edge.labels.map(escape).join('<br/>')}`;

  // What is inside a compound or parallel state (or at the top, for a root not drawn).
  const inside = (state: ChartState, pad: string): string[] => {
    const lines: string[] = [];
    if (state.initial !== undefined) lines.push(`${pad}[*] --> ${id(state.initial)}`);
    state.children.forEach((child, index) => {
      if (state.type === 'parallel' && index > 0) lines.push(`${pad}--`);
      lines.push(...declare(child, pad));
      if (child.type === 'final') lines.push(`${pad}${id(child.id)} --> [*]`);
    });
    return lines;
  };

  const declare = (state: ChartState, pad: string): string[] => {
    const own = id(state.id);
    const lines: string[] = [];
    // Declared where it belongs before any arrow names it; with its name spelled out, or Mermaid
    // shows a state's first description as its name.
    const atomic = state.children.length === 0;
    if (own !== state.key || (atomic && state.notes.length > 0))
      lines.push(`${pad}state "${escape(state.key)}" as ${own}`);
    else if (atomic) lines.push(`${pad}${own}`);
    if (atomic) {
      for (const note of state.notes) lines.push(`${pad}${own} : ${escape(note)}`);
      return lines;
    }
    lines.push(`${pad}state ${own} {`, ...inside(state, pad + '    '), `${pad}}`);
    if (state.notes.length > 0) {
      lines.push(`${pad}note right of ${own}`);
      for (const note of state.notes) lines.push(`${pad}    ${escape(note)}`);
      lines.push(`${pad}end note`);
    }
    return lines;
  };

  const lines = ['stateDiagram-v2'];
  if (chart.rootDrawn) {
    lines.push(`    [*] --> ${id(chart.root.id)}`, ...declare(chart.root, '    '));
  } else {
    lines.push(...inside(chart.root, '    '));
  }
  // Every arrow at the top: one declared inside a composite state moves the states it names into
  // that composite state, wherever they were declared.
  for (const edge of chart.edges) lines.push(arrow(edge, '    '));
  return lines.join('\n');
}

/** Words Mermaid reads as its own when they stand where a state's id goes. */
const KEYWORDS = new Set(['as', 'class', 'classDef', 'direction', 'end', 'note', 'state', 'style']);

/**
 * A Mermaid id for every state: its key at the top (`stopped`), its path below
 * (`closing_draining`), since Mermaid's ids are global; unique and free of Mermaid's syntax.
 */
function mermaidIds(root: ChartState): Map<string, string> {
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  const visit = (state: ChartState, path: readonly string[]): void => {
    let base = path.join('_').replace(/[^A-Za-z0-9_]/g, '_') || 'state';
    if (KEYWORDS.has(base)) base = `${base}_`;
    let candidate = base;
    for (let n = 2; taken.has(candidate); n++) candidate = `${base}_${n}`;
    taken.add(candidate);
    ids.set(state.id, candidate);
    for (const child of state.children) visit(child, [...(state === root ? [] : path), child.key]);
  };
  visit(root, [root.key]);
  return ids;
}

/** Keeps a label from ending a Mermaid statement (`;`) or a quoted name, or starting an entity. */
function escape(text: string): string {
  return text
    .replace(/#/g, '#35;')
    .replace(/;/g, '#59;')
    .replace(/"/g, '#quot;')
    .replace(/\n/g, ' ');
}
