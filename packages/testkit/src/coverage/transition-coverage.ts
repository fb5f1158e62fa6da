import type { AnyStateMachine, InspectionEvent } from 'xstate';
import {
  autoscalerMachine,
  poolMachine,
  supervisorMachine,
  systemMachine,
  workerMachine,
} from '@troupe/core';
import { machineEdges, transitionKeys } from './machine-edges.js';

/** How much of one machine's chart the runs went through. */
export interface MachineCoverage {
  /** The machine's id (`pool`, `worker`, …). */
  readonly machine: string;
  /** Its transitions, as `@xstate/graph` and its eventless ones make them. */
  readonly total: number;
  /** Transitions taken at least once (`source --event--> target`), with how often. */
  readonly covered: ReadonlyMap<string, number>;
  /** Transitions never taken. */
  readonly missed: readonly string[];
}

/** Which transitions of each machine were exercised. */
export interface CoverageReport {
  readonly machines: readonly MachineCoverage[];
}

/** Collects the transitions that actors of the given machines take, through XState inspection. */
export interface TransitionCoverage {
  /** Give it as the `inspect` option of a pool or a system (the whole actor tree reports to it). */
  readonly inspect: (event: InspectionEvent) => void;
  report(): CoverageReport;
}

/** The machines whose coverage is reported by default: a pool's, its workers', supervisor's, autoscaler's, and a system's. */
export const COVERED_MACHINES: readonly AnyStateMachine[] = [
  poolMachine,
  workerMachine,
  supervisorMachine,
  autoscalerMachine,
  systemMachine,
];

/**
 * Transition coverage: every transition of each machine (read with `@xstate/graph`), and those
 * the inspected actors took (their microsteps). Pass `inspect` to `createPool` or
 * `createSystem`; `checkPool` and `checkSystem` do it for their runs.
 *
 * @example
 * const coverage = createTransitionCoverage();
 * const pool = createPool({ worker, clock, inspect: coverage.inspect });
 * …
 * console.log(formatCoverage(coverage.report()));
 */
export function createTransitionCoverage(
  machines: readonly AnyStateMachine[] = COVERED_MACHINES,
): TransitionCoverage {
  const byMachine = new Map<unknown, { machine: AnyStateMachine; counts: Map<string, number> }>();
  const entries = machines.map((machine) => {
    const counts = new Map(machineEdges(machine).map((e) => [e.key, 0]));
    const entry = { machine, counts };
    byMachine.set(machine, entry);
    byMachine.set(machine.id, entry);
    return entry;
  });
  return {
    inspect(event) {
      if (event.type !== '@xstate.microstep') return;
      const logic = (event.actorRef as { logic?: { id?: unknown } }).logic;
      const entry = byMachine.get(logic) ?? byMachine.get(logic?.id);
      if (entry === undefined) return;
      for (const transition of event._transitions) {
        for (const key of transitionKeys(transition)) {
          const n = entry.counts.get(key);
          if (n !== undefined) entry.counts.set(key, n + 1);
        }
      }
    },
    report: () => ({
      machines: entries.map(({ machine, counts }) => ({
        machine: machine.id,
        total: counts.size,
        covered: new Map([...counts].filter(([, n]) => n > 0)),
        missed: [...counts].filter(([, n]) => n === 0).map(([key]) => key),
      })),
    }),
  };
}

/** Adds reports up (runs of several checks). */
export function mergeCoverage(reports: readonly CoverageReport[]): CoverageReport {
  const merged = new Map<string, { total: number; counts: Map<string, number> }>();
  for (const report of reports) {
    for (const m of report.machines) {
      const into = merged.get(m.machine) ?? { total: m.total, counts: new Map<string, number>() };
      for (const key of m.missed) if (!into.counts.has(key)) into.counts.set(key, 0);
      for (const [key, n] of m.covered) into.counts.set(key, (into.counts.get(key) ?? 0) + n);
      merged.set(m.machine, into);
    }
  }
  return {
    machines: [...merged].map(([machine, { total, counts }]) => ({
      machine,
      total,
      covered: new Map([...counts].filter(([, n]) => n > 0)),
      missed: [...counts].filter(([, n]) => n === 0).map(([key]) => key),
    })),
  };
}

/** A report in words: per machine, how many transitions were taken, and those that were not. */
export function formatCoverage(report: CoverageReport): string {
  return report.machines
    .map((m) => {
      const pct = m.total === 0 ? 100 : Math.round((100 * m.covered.size) / m.total);
      const head = `${m.machine}: ${m.covered.size}/${m.total} transitions (${pct}%)`;
      return m.missed.length === 0
        ? head
        : `${head}\n${m.missed.map((k) => `  never: ${k}`).join('\n')}`;
    })
    .join('\n');
}
