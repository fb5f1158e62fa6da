/**
 * A machine drawn without Graphviz: its states as a nested list, each with what it does in place
 * and its arrows (`→ target: events`). Every state carries `data-state` (its id), as the SVG's
 * do, so the page highlights the current one the same way.
 */
import type { AnyStateMachine } from 'xstate';
import { readChart, type ChartEdge, type ChartState } from '../read-chart.js';
import { htmlText } from './html-text.js';

export function chartList(machine: AnyStateMachine): string {
  const chart = readChart(machine);
  const bySource = new Map<string, ChartEdge[]>();
  for (const edge of chart.edges) {
    const list = bySource.get(edge.source) ?? [];
    list.push(edge);
    bySource.set(edge.source, list);
  }
  const rootPrefix = `${chart.root.id}.`;
  const short = (id: string): string =>
    id.startsWith(rootPrefix) ? id.slice(rootPrefix.length) : id;

  const item = (state: ChartState, isRoot: boolean): string => {
    const lines: string[] = [];
    if (!isRoot || chart.rootDrawn) {
      const initial = state.type === 'final' ? ' (final)' : '';
      lines.push(`<span class="state-name">${htmlText(state.key)}${initial}</span>`);
      for (const note of state.notes) lines.push(`<div class="note">${htmlText(note)}</div>`);
      for (const edge of bySource.get(state.id) ?? []) {
        lines.push(
          `<div class="edge">→ ${htmlText(short(edge.target))}: ${htmlText(edge.labels.join(' | '))}</div>`,
        );
      }
    }
    if (state.children.length > 0) {
      const children = state.children.map((child) => item(child, false)).join('');
      lines.push(`<ul>${children}</ul>`);
    }
    return isRoot && !chart.rootDrawn
      ? lines.join('')
      : `<li data-state="${htmlText(state.id)}">${lines.join('')}</li>`;
  };
  const body = item(chart.root, true);
  return `<div class="chart-list">${chart.rootDrawn ? `<ul>${body}</ul>` : body}</div>`;
}
