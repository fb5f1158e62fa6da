/**
 * @troupe/bullmq — Troupe pools across processes and machines, on BullMQ and Redis: a queue as a
 * pool's executor (`fromBullmq`, the producer side), BullMQ workers feeding Troupe pools
 * (`serveBullmq`, the consumer side), and the consumers' metrics on the producer's side.
 */
export { fromBullmq } from './from-bullmq.js';
export type { BullmqLogic } from './from-bullmq.js';
export type { BullmqProducerOptions } from './producer-options.js';
export type { ProducerLink } from './producer-link.js';
export type { RedisStatus } from './redis-status.js';
export { serveBullmq } from './serve-bullmq.js';
export type { BullmqHost, HostCloseOptions, HostEvent } from './serve-bullmq.js';
export type { BullmqServeOptions } from './serve-options.js';
export type { QueueLocation } from './queue-options.js';
export { consumerMetrics } from './consumer-metrics.js';
export type { ConsumerMetrics, ConsumerMetricsOptions } from './consumer-metrics.js';
export type { ConsumerReport } from './consumer-report.js';
export { JobStalledError, RedisUnavailableError, RemoteError } from './errors.js';
export { decodeFailure, encodeTaskError, JOB_NAME } from './wire.js';
