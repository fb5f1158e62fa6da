/**
 * @troupe/threads — CPU-bound work on worker threads, as Troupe worker logic.
 */
export { fromWorkerThread } from './from-worker-thread.js';
export type { ThreadOptions } from './thread-options.js';
export type { ThreadResource } from './thread-resource.js';
export { callExport, transfer } from './transfer.js';
export type { Transfer } from './transfer.js';
export { threadStats } from './thread-stats.js';
export type { ThreadStats } from './thread-stats.js';
export { ThreadCrashError } from './thread-crash-error.js';
