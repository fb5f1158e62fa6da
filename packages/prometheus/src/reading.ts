/**
 * One watched source at one scrape: what every metric family reads, so that all the families of
 * a scrape agree (a histogram's `_count` is the same snapshot's `completed`).
 */
import type { PoolMetrics, PoolState } from '@troupe/core';
import type { Tally } from './tally.js';

/** The label that names a source: pools are `pool="…"`, balancers `balancer="…"`. */
export type SourceKind = 'pool' | 'balancer';

/** What a source tells at a scrape. */
export interface SourceSnapshot {
  /** Its lifecycle state, when it tells one. */
  readonly state?: PoolState;
  /** The workers it has asked for (a balancer: its members' sizes added up), when it tells. */
  readonly size?: number;
  readonly metrics: PoolMetrics;
  /** Its workers (a pool), by state. */
  readonly workers?: readonly { readonly state: string }[];
}

/** A source read for one scrape. */
export interface Reading {
  readonly kind: SourceKind;
  /** `{ pool: name }` or `{ balancer: name }`. */
  readonly labels: Readonly<Record<string, string>>;
  readonly snapshot: SourceSnapshot;
  /** The source's last readings and exported totals. */
  readonly tally: Tally;
}

/** Where the metric families get the readings of the current scrape. */
export interface ReadingSource {
  /** Every watched source, read once a scrape (the first family to ask reads them; the rest share). */
  readings(): readonly Reading[];
  /** Every watched source's tally, for a registry's `resetMetrics()`. */
  tallies(): Iterable<Tally>;
}
