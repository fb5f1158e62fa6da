import type { AnyStateMachine } from 'xstate';
import { readChart, type ChartState } from './read-chart.js';

/**
 * Draws a machine as a Graphviz DOT digraph: compound and parallel states as clusters (a
 * parallel state's regions dashed), an initial state marked by an arrow from a dot, a final one
 * by a double border, guards as `event [guard]`, invoked actors and events handled without a
 * change of state under the state's name. The same machine always gives the same text.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { poolMachine } from '@troupe/core';
 * writeFileSync('pool.dot', toDot(poolMachine)); // then: dot -Tsvg pool.dot > pool.svg
 * ```
 */
export function toDot(machine: AnyStateMachine): string {
  const chart = readChart(machine);
  const states = new Map<string, ChartState>();
  const index = (state: ChartState): void => {
    states.set(state.id, state);
    state.children.forEach(index);
  };
  index(chart.root);

  const isCluster = (state: ChartState): boolean =>
    state.children.length > 0 || (state === chart.root && chart.rootDrawn);
  // An arrow cannot end on a cluster: it ends on a point inside it, clipped at its border.
  const anchor = (state: ChartState): string =>
    `${state.id}#${state.type === 'compound' ? 'initial' : 'anchor'}`;
  const end = (id: string, side: 'ltail' | 'lhead'): { node: string; attr: string } => {
    const state = states.get(id);
    if (state === undefined || !isCluster(state)) return { node: id, attr: '' };
    return { node: anchor(state), attr: `${side}=${quote(`cluster_${id}`)}` };
  };
  const label = (state: ChartState): string => [state.key, ...state.notes].join('\n');

  const lines: string[] = [];
  const declare = (state: ChartState, pad: string, region: boolean): void => {
    if (!isCluster(state)) {
      const attrs = [`label=${quote(label(state))}`];
      if (state.type === 'final') attrs.push('peripheries=2');
      lines.push(`${pad}${quote(state.id)} [${attrs.join(', ')}];`);
      return;
    }
    lines.push(`${pad}subgraph ${quote(`cluster_${state.id}`)} {`);
    lines.push(`${pad}  label=${quote(label(state))};`);
    lines.push(`${pad}  style=${quote(region ? 'rounded,dashed' : 'rounded')};`);
    const point =
      state.type === 'compound' ? 'shape=point, width=0.12' : 'shape=point, style=invis';
    lines.push(`${pad}  ${quote(anchor(state))} [${point}];`);
    for (const child of state.children) declare(child, `${pad}  `, state.type === 'parallel');
    lines.push(`${pad}}`);
  };

  const arrows: string[] = [];
  // From a node, or from a state (`ltail` set when it is a cluster), to a state.
  const arrow = (from: string, to: string, text?: string): void => {
    const tail = states.has(from) ? end(from, 'ltail') : { node: from, attr: '' };
    const head = end(to, 'lhead');
    const attrs = [text === undefined ? '' : `label=${quote(text)}`, tail.attr, head.attr];
    const list = attrs.filter((attr) => attr !== '').join(', ');
    arrows.push(`  ${quote(tail.node)} -> ${quote(head.node)}${list === '' ? '' : ` [${list}]`};`);
  };
  const initials = (state: ChartState): void => {
    if (state.initial !== undefined) arrow(`${state.id}#initial`, state.initial);
    state.children.forEach(initials);
  };

  if (chart.rootDrawn) {
    lines.push(`  ${quote('#initial')} [shape=point, width=0.12];`);
    declare(chart.root, '  ', false);
    arrow('#initial', chart.root.id);
  } else {
    lines.push(`  ${quote(`${chart.root.id}#initial`)} [shape=point, width=0.12];`);
    for (const child of chart.root.children) declare(child, '  ', chart.root.type === 'parallel');
  }
  initials(chart.root);
  for (const edge of chart.edges) arrow(edge.source, edge.target, edge.labels.join('\n'));

  return [
    `digraph ${quote(chart.root.id)} {`,
    '  compound=true;',
    '  graph [fontname="Helvetica", fontsize=11];',
    '  node [shape=box, style=rounded, fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=9];',
    ...lines,
    ...arrows,
    '}',
  ].join('\n');
}

/** A DOT string: quotes and backslashes escaped, line breaks as DOT's `\n`. */
function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}
