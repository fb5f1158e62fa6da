import type { PoolMetrics } from '@troupe/core';

/** What a consumer publishes on its queue's metrics channel: its pool's metrics, by host. */
export interface ConsumerReport {
  /** The host's name (`serveBullmq`'s `name`). */
  readonly host: string;
  readonly metrics: PoolMetrics;
  /** `true` in the last report of a host that closed. */
  readonly gone?: true;
}
