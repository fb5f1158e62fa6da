/**
 * @troupe/core — worker pools as XState actors, with RxJS streams and fp-ts results.
 */
export { createPool } from './pool/create-pool.js';
export { batchPool, dynamicPool, fixedPool, priorityPool } from './pool/presets.js';
export type { Pool } from './pool/pool.js';
export type { PoolActorView } from './pool/pool-actor-view.js';
export type { PoolSnapshot } from './pool/pool-snapshot.js';
export type { CloseOptions, SinkSnapshot, TaskSink } from './sink.js';
export type { WorkerSnapshot } from './engine/worker-roster.js';
export type { SubmitOptions } from './pool/submit-options.js';
export type { BatchOutput, BatchPoolOptions, PoolOptions } from './pool/options.js';
export type { OverflowPolicy, QueueOptions } from './queues/queue-options.js';
export type { MetricsOptions } from './metrics/metrics-options.js';
export type { DeadLetter, PoolEvent, PoolState, TaskOutcome } from './pool/pool-events.js';
export type { LevelMetrics, MetricsHistograms, PoolMetrics } from './metrics/metrics.js';
export { mergeMetrics } from './metrics/merge-metrics.js';
export { aggregateMetrics } from './metrics/aggregate-metrics.js';
export type {
  AggregatedMetrics,
  AggregateMetricsOptions,
  MetricsSource,
} from './metrics/aggregate-metrics.js';

export { poolMachine } from './pool/pool-machine.js';
export type { PoolContext, PoolMachineEvent, PoolMachineInput } from './pool/pool-machine.js';
export { decideRestart, supervisorMachine } from './supervision/supervisor-machine.js';
export type {
  RestartType,
  SupervisionStrategy,
  SupervisorDecision,
  SupervisorEvent,
  SupervisorInput,
} from './supervision/supervisor-machine.js';
export type { SupervisionOptions, TimeoutHandling } from './supervision/supervision-options.js';
export { exponentialBackoff } from './supervision/exponential-backoff.js';
export type { Backoff, BackoffOptions } from './supervision/exponential-backoff.js';
export type { RetryOptions } from './supervision/retry-policy.js';
export { workerMachine } from './worker/worker-machine.js';
export type {
  WorkerEvent,
  WorkerInput,
  WorkerParentEvent,
  RunReporter,
  WorkerState,
} from './worker/worker-machine.js';

export { fromAsync } from './executors/from-async.js';
export type { AsyncWorkerDefinition } from './executors/from-async.js';
export { isWorkerLogic } from './worker/worker-logic.js';
export type { RunTrace } from './tracing/run-trace.js';
export type { TracerLike, TracingOptions } from './tracing/tracing-options.js';
export type {
  AbortListener,
  TaskContext,
  WorkerLogic,
  WorkerSetupContext,
  WorkerSpec,
  WorkerTeardownContext,
} from './worker/worker-logic.js';

export {
  BatchResultError,
  InvalidOptionError,
  InvalidSystemSpecError,
  PoolClearedError,
  PoolClosedError,
  PoolFailedError,
  PoolStateError,
  RestartLimitExceeded,
  RestartLimitExceededError,
  SystemFailedError,
  TaskCancelled,
  TaskFailed,
  TaskRejected,
  TaskTimedOut,
  ThroughUnsubscribed,
  ThroughUnsubscribedError,
  UnrecoverableError,
  WorkerCrashed,
  WorkerCrashedError,
} from './errors.js';
export type { RejectReason, SpecProblem, TaskError } from './errors.js';
export { rejectUnknownOptions } from './reject-unknown-options.js';
export { err, isErr, isOk, ok, unwrap } from './result.js';
export type { Either, Left, Right, TaskResult } from './result.js';

export { createVirtualClock, systemClock } from './time/clock.js';
export type { Clock, TimerHandle, VirtualClock } from './time/clock.js';
export { bucketUpperEdge, Histogram } from './metrics/histogram.js';
export type { HistogramSnapshot, Percentiles } from './metrics/histogram.js';
export { mergeHistograms, percentilesOf } from './metrics/merge-histograms.js';
// The queues themselves stay private: the backlog relies on their internals (see the pools
// guide's changelog); their options are public.
export type { AgingOptions } from './queues/priority-queue.js';

export { through } from './streams/through.js';
export type { ThroughOptions, ThroughTarget } from './streams/through.js';
export type { RateOptions } from './scheduling/rate-limiter.js';
export { autoscalerMachine, decideTarget } from './scaling/autoscaler-machine.js';
export type {
  AutoscalerEvent,
  AutoscalerInput,
  ScaleDecision,
  ScaleReason,
  ScaleView,
} from './scaling/autoscaler-machine.js';
export type { DynamicSize, ScaleTarget } from './scaling/sizing-options.js';
export type { BatchMetrics, BatchOptions, FlushReason } from './batching/batch-options.js';
export { healthMachine, SLOW_START_STEPS } from './health/health-machine.js';
export type {
  HealthChange,
  HealthContext,
  HealthEvent,
  HealthState,
} from './health/health-machine.js';
export { HEALTH_DEFAULTS, resolveHealthOptions } from './health/health-options.js';
export type { HealthConfig, HealthOptions } from './health/health-options.js';
export { judgeWindow } from './health/judge-window.js';
export type { HealthWindow, WindowVerdict } from './health/judge-window.js';
export { progressAt, windowBetween } from './health/window-between.js';
export type { WindowFigures } from './health/window-between.js';
export { watchHealth } from './health/watch-health.js';
export type {
  HealthSource,
  HealthTransition,
  HealthWatch,
  WatchHealthOptions,
} from './health/watch-health.js';

export { createBalancer } from './balancing/create-balancer.js';
export type { Balancer, BalancerMemberSnapshot, BalancerSnapshot } from './balancing/balancer.js';
export type { MemberHealthTransition } from './balancing/balancer-health.js';
export type { BalancerOptions } from './balancing/balancer-options.js';
export type {
  MemberView,
  RouteState,
  RouteTask,
  Strategy,
  StrategyName,
} from './balancing/strategy.js';
export { roundRobin } from './balancing/round-robin.js';
export { leastLoaded } from './balancing/least-loaded.js';
export { powerOfTwoChoices } from './balancing/power-of-two-choices.js';
export { keyHash } from './balancing/key-hash.js';
export type { KeyHashOptions } from './balancing/key-hash.js';
export { liveWeight, weighted } from './balancing/weighted.js';

export { createPipeline } from './system/pipeline.js';
export type { Pipeline, PipelineOutcome } from './system/pipeline.js';
export { defaultMaxInFlight } from './system/pipeline-options.js';
export type { PipelineOptions } from './system/pipeline-options.js';
export type { PipelineSource } from './system/source-gate.js';
export type {
  AnySink,
  ChainCheck,
  InputOf,
  NoStages,
  OutputOf,
  PipelineInput,
  PipelineOutput,
  StageMismatch,
} from './system/pipeline-stages.js';

export { createSystem } from './system/create-system.js';
export type { System, SystemSnapshot } from './system/system.js';
export type {
  AnyPoolEntry,
  BalancerEntry,
  BatchPoolEntry,
  PoolEntry,
  SystemSpec,
  SystemSupervisionOptions,
} from './system/system-spec.js';
export type {
  BalancerName,
  CheckedSpec,
  EntryInput,
  EntryOutput,
  PipelineName,
  PoolName,
  SinkInput,
  SinkName,
  SinkOutput,
  SystemPipelineInput,
  SystemPipelineOutput,
  ValidSpec,
} from './system/spec-types.js';
export { validateSpec } from './system/validate-spec.js';
export { systemMachine } from './system/system-machine.js';
export type {
  SystemContext,
  SystemEffects,
  SystemMachineEvent,
  SystemMachineInput,
} from './system/system-machine.js';
export type { SystemChanges, SystemEvent, SystemState } from './system/system-events.js';
export type { PipelineProcessOptions, SystemPipeline } from './system/system-pipelines.js';
export type { SystemMetrics } from './system/system-metrics.js';
export type { SystemHealthTransition } from './system/system-health.js';
