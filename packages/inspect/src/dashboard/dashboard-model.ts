/**
 * What the watchers feed and the page is sent: the actor tree, the metric series and the event
 * log, each telling its changes to one listener (the SSE hub).
 */
import type { Clock } from '@troupe/core';
import { ActorTree, type ActorNode, type TreeChange } from './actor-tree.js';
import { EventLog, type LogEntry } from './event-log.js';
import { MetricSeries, type Sample, type SampleAdded } from './metric-series.js';

/** What the page is told, one message a change. */
export type ModelChange =
  | TreeChange
  | ({ readonly type: 'sample' } & SampleAdded)
  | { readonly type: 'log'; readonly entry: LogEntry };

/** Everything at once: what a page gets when it connects. */
export interface ModelSnapshot {
  readonly nodes: readonly ActorNode[];
  readonly series: Readonly<Record<string, readonly Sample[]>>;
  readonly log: readonly LogEntry[];
}

export class DashboardModel {
  readonly tree: ActorTree;
  readonly series: MetricSeries;
  readonly log: EventLog;

  constructor(
    limits: { readonly history: number; readonly logSize: number; readonly clock: Clock },
    changed: (change: ModelChange) => void,
  ) {
    this.tree = new ActorTree(changed);
    this.series = new MetricSeries(limits.history, (added) =>
      changed({ type: 'sample', ...added }),
    );
    this.log = new EventLog(limits.logSize, limits.clock, (entry) =>
      changed({ type: 'log', entry }),
    );
  }

  /** Removes a node, the nodes under it and its series. */
  forget(id: string): void {
    for (const node of this.tree.list()) if (node.parent === id) this.forget(node.id);
    this.series.remove(id);
    this.tree.remove(id);
  }

  snapshot(): ModelSnapshot {
    return { nodes: this.tree.list(), series: this.series.all(), log: this.log.list() };
  }
}
