/**
 * The charts of the machines a dashboard shows, drawn once when it starts: SVG laid out by
 * Graphviz (`toSvg`) when `dot` is there, else a list of states and transitions
 * (`chartList`). Each state is marked with `data-state="<its id>"`, which the page uses to
 * highlight the states an actor is in.
 */
import { healthMachine, poolMachine, systemMachine, workerMachine } from '@troupe/core';
import type { AnyStateMachine } from 'xstate';
import { toSvg } from '../to-svg.js';
import { chartList } from './chart-list.js';

/** The machines the dashboard can draw, by the name nodes use in `machines`. */
export type MachineName = 'system' | 'pool' | 'worker' | 'health';

/** One machine's chart, ready to put in the page. */
export interface MachineChart {
  readonly name: MachineName;
  readonly title: string;
  readonly format: 'svg' | 'list';
  /** An `<svg>` element, or a `<div class="chart-list">`. */
  readonly html: string;
}

const MACHINES: Record<MachineName, { title: string; machine: AnyStateMachine }> = {
  system: { title: 'System machine', machine: systemMachine },
  pool: { title: 'Pool machine', machine: poolMachine },
  worker: { title: 'Worker machine', machine: workerMachine },
  health: { title: 'Health machine (per balancer member)', machine: healthMachine },
};

/**
 * Draws `names`. `'svg'` rejects when `dot` cannot draw; `'auto'` falls back to lists when
 * `dot` is not on PATH (any other failure of `dot` is an error).
 */
export async function drawCharts(
  names: readonly MachineName[],
  mode: 'auto' | 'svg' | 'list',
): Promise<MachineChart[]> {
  let format: 'svg' | 'list' = mode === 'list' ? 'list' : 'svg';
  const charts: MachineChart[] = [];
  for (const name of names) {
    const { title, machine } = MACHINES[name];
    if (format === 'svg') {
      try {
        charts.push({ name, title, format, html: markStates(await toSvg(machine), name) });
        continue;
      } catch (error) {
        if (mode === 'svg' || !isMissingDot(error)) throw error;
        format = 'list';
      }
    }
    charts.push({ name, title, format, html: chartList(machine) });
  }
  return charts;
}

function isMissingDot(error: unknown): boolean {
  return error instanceof Error && error.message.includes('was not found on PATH');
}

/**
 * Graphviz's SVG as an inline element: the XML prolog, doctype and comments dropped, element ids
 * prefixed with `prefix` (several charts share the page), and each node and cluster given
 * `data-state` from its title (the state's id; a cluster's is `cluster_<id>`).
 */
export function markStates(svg: string, prefix: string): string {
  const start = svg.indexOf('<svg');
  const body = (start === -1 ? svg : svg.slice(start))
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/ id="/g, ` id="${prefix}-`);
  return body.replace(
    /<g id="([^"]+)" class="(node|cluster)">\s*<title>([^<]*)<\/title>/g,
    (_whole, gid: string, kind: string, title: string) => {
      const state = kind === 'cluster' ? title.replace(/^cluster_/, '') : title;
      return `<g id="${gid}" class="${kind}" data-state="${state}"><title>${title}</title>`;
    },
  );
}
