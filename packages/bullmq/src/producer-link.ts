/**
 * The producer's side of a queue, shared by every worker of a `fromBullmq` pool: a BullMQ
 * `Queue` to add and remove jobs, one `QueueEvents` whose completion and failure events settle
 * the pending jobs (one listener and a map, rather than a `job.waitUntilFinished` per job: that
 * adds two listeners and a Redis round trip a job), and a side connection for cancellations.
 * It keeps no job it has not heard the end of out of sight: a periodic check (and one at every
 * reconnection) finds what the events missed.
 */
import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents, type RedisClient } from 'bullmq';
import { TaskRejected, type TaskContext, type TimerHandle } from '@troupe/core';
import { RedisUnavailableError } from './errors.js';
import { PendingJob, type AbortSink } from './pending-job.js';
import type { ProducerConfig } from './producer-options.js';
import { JobAdder, type AddOutcome } from './job-adder.js';
import { reconcileJob, type ReconcileTarget } from './reconcile.js';
import type { RedisStatus } from './redis-status.js';
import { closeSideConnection, openSideConnection, type SideConnection } from './side-connection.js';
import { channelOf, decodeFailure, type CancelMessage } from './wire.js';

/** Aborts remembered while Redis is down, to cancel once it is back; the oldest go past this. */
const MAX_REMEMBERED = 10_000;

export class ProducerLink implements AbortSink, AddOutcome, ReconcileTarget {
  readonly #pending = new Map<string, PendingJob>();
  /** Jobs aborted while their cancellation could not be sent: cancelled again on reconnection. */
  readonly #unsentCancels = new Map<string, string>();
  readonly #tag = randomUUID().replaceAll('-', '').slice(0, 12);
  readonly #cancelChannel: string;
  readonly #adder: JobAdder;
  #seq = 0;
  #up = true;
  #closed = false;
  #timer: TimerHandle = undefined;
  #armed = false;

  private constructor(
    private readonly config: ProducerConfig,
    readonly queue: Queue,
    private readonly events: QueueEvents,
    private readonly side: SideConnection,
    client: RedisClient,
    private readonly report: (status: RedisStatus) => void,
  ) {
    this.#cancelChannel = channelOf(config.prefix, config.queue, 'cancel');
    this.#adder = new JobAdder(queue, config.prioritized, this, isConnectionError);
    events.on('completed', ({ jobId, returnvalue }) => this.settle(jobId, true, returnvalue));
    events.on('failed', ({ jobId, failedReason }) => this.settle(jobId, false, failedReason));
    client.on('close', () => this.#down());
    client.on('ready', () => this.#reconnected());
  }

  /** Connects to the queue; rejects with a `RedisUnavailableError` past `outageWaitMs`. */
  static async open(
    config: ProducerConfig,
    report: (status: RedisStatus) => void,
  ): Promise<ProducerLink> {
    const { queue: name, connection, prefix } = config;
    // Adds fail at once while Redis is down (instead of waiting in ioredis's offline queue,
    // out of reach): the link holds the job itself, for a bounded time, and knows it.
    const queueConnection =
      typeof (connection as { duplicate?: unknown }).duplicate === 'function'
        ? connection
        : { ...connection, enableOfflineQueue: false };
    const queue = new Queue(name, {
      connection: queueConnection,
      prefix,
      defaultJobOptions: {
        attempts: 1,
        removeOnComplete: config.removeOnComplete,
        removeOnFail: config.removeOnFail,
      },
    });
    const side = openSideConnection(connection);
    // A connection error is an event on these: without listeners Node would throw it.
    queue.on('error', () => undefined);
    side.on('error', () => undefined);
    let events: QueueEvents | undefined;
    try {
      const client = await within(config, queue.waitUntilReady());
      // Events from now on: the stream's last entry is where reading starts (none missed
      // between here and the first blocking read).
      const last = (
        await within(config, side.xrevrange(queue.keys.events!, '+', '-', 'COUNT', 1))
      )[0];
      events = new QueueEvents(name, { connection, prefix, lastEventId: last?.[0] ?? '0-0' });
      events.on('error', () => undefined);
      await within(config, events.waitUntilReady());
      return new ProducerLink(config, queue, events, side, client, report);
    } catch (error) {
      await Promise.allSettled([queue.close(), events?.close(), closeSideConnection(side)]);
      throw error;
    }
  }

  /** Hands one task to the queue; the promise settles with its job's end. */
  run(input: unknown, ctx: TaskContext<unknown>): Promise<unknown> {
    const job = new PendingJob(
      `${this.#tag}.${++this.#seq}`,
      input,
      ctx.priority,
      ctx.taskId,
      this,
      this.config.clock.now(),
    );
    this.#pending.set(job.id, job);
    ctx.onAbort(job);
    if (this.#up) this.add(job);
    else this.#hold(job);
    this.#arm();
    return job.promise;
  }

  /** Adds (or adds again: the id makes it idempotent) a pending job to the queue. */
  add(job: PendingJob): void {
    job.stage = 'adding';
    this.#adder.add(job);
  }

  /** `queue.add` answered. */
  added(job: PendingJob): void {
    if (job.stage !== 'adding') return;
    job.stage = 'added';
    job.since = this.config.clock.now();
  }

  /** A job ended (an event, or found so in Redis): its task settles, if it still waits. */
  settle(jobId: string, completed: boolean, value: unknown): void {
    const job = this.#pending.get(jobId);
    if (job === undefined) return;
    this.#pending.delete(jobId);
    if (completed) job.resolve(value);
    else job.reject(decodeFailure(String(value), jobId, job.taskId));
  }

  /**
   * The pool aborted the task (cancelled, timed out, closing with abort): the lane is freed at
   * once; the job is removed if it waits, and its consumer told to stop it if it runs.
   */
  abort(job: PendingJob, reason: unknown): void {
    if (!this.#pending.delete(job.id)) return;
    job.reject(reason);
    this.#cancel(
      job.id,
      reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason),
    );
  }

  /** Stops every timer and closes the connections. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#armed) this.config.clock.clearTimeout(this.#timer);
    this.#armed = false;
    for (const job of this.#pending.values())
      job.reject(new Error(`the producer of queue '${this.config.queue}' closed`));
    this.#pending.clear();
    await Promise.allSettled([
      this.events.close(),
      this.queue.close(),
      closeSideConnection(this.side),
    ]);
  }

  #cancel(jobId: string, reason: string): void {
    if (!this.#up) return this.#remember(jobId, reason);
    const message: CancelMessage = { jobId, reason };
    // Told first, removed second: a consumer that takes the job between the two still hears.
    this.side
      .publish(this.#cancelChannel, JSON.stringify(message))
      .then(
        () => this.queue.remove(jobId),
        () => this.#remember(jobId, reason),
      )
      .catch(() => this.#remember(jobId, reason));
  }

  #remember(jobId: string, reason: string): void {
    if (this.#unsentCancels.size >= MAX_REMEMBERED) {
      const oldest = this.#unsentCancels.keys().next().value;
      if (oldest !== undefined) this.#unsentCancels.delete(oldest);
    }
    this.#unsentCancels.set(jobId, reason);
  }

  /** `queue.add` failed: held for Redis to come back, or (a bad input) settled. */
  addFailed(job: PendingJob, error: unknown): void {
    if (this.#pending.get(job.id) !== job) return;
    if (!this.#up || isConnectionError(error)) return this.#hold(job);
    this.#pending.delete(job.id);
    job.reject(
      error instanceof TypeError
        ? new TaskRejected(
            'invalid-input',
            `the input cannot be sent through BullMQ (as JSON): ${error.message}`,
          )
        : error,
    );
  }

  #hold(job: PendingJob): void {
    job.stage = 'held';
    job.since = this.config.clock.now();
  }

  #down(): void {
    if (!this.#up || this.#closed) return;
    this.#up = false;
    this.report({ type: 'down', queue: this.config.queue, at: this.config.clock.now() });
  }

  #reconnected(): void {
    if (this.#up || this.#closed) return;
    this.#up = true;
    this.report({ type: 'up', queue: this.config.queue, at: this.config.clock.now() });
    for (const [jobId, reason] of this.#unsentCancels) this.#cancel(jobId, reason);
    this.#unsentCancels.clear();
    // Whatever happened while Redis was away (a restart may have lost jobs): look again.
    for (const job of this.#pending.values()) {
      if (job.stage === 'held') this.add(job);
      else reconcileJob(this, job);
    }
  }

  /** Arms the timer while jobs are pending: the outage bound and the periodic check. */
  #arm(): void {
    if (this.#armed || this.#closed) return;
    this.#armed = true;
    const { clock, outageWaitMs, reconcileIntervalMs } = this.config;
    this.#timer = clock.setTimeout(
      () => this.#tick(),
      Math.min(outageWaitMs / 4, reconcileIntervalMs, 1_000),
    );
  }

  #tick(): void {
    this.#armed = false;
    const { clock, outageWaitMs, reconcileIntervalMs, queue } = this.config;
    const now = clock.now();
    for (const job of [...this.#pending.values()]) {
      const waited = now - job.since;
      if (job.stage === 'held' && waited >= outageWaitMs) {
        this.#pending.delete(job.id);
        job.reject(new RedisUnavailableError(queue, waited));
        // Its add may have reached Redis unanswered: the job must not run later.
        this.#remember(job.id, 'its task gave up waiting for Redis');
      } else if (this.#up && job.stage === 'added' && waited >= reconcileIntervalMs) {
        job.since = now;
        reconcileJob(this, job);
      }
    }
    if (this.#pending.size > 0) this.#arm();
  }

  /** Whether `job` still waits for its end here. */
  isPending(job: PendingJob): boolean {
    return this.#pending.get(job.id) === job;
  }
}

/** Rejects with `RedisUnavailableError` when `step` takes longer than `outageWaitMs`. */
async function within<T>(config: ProducerConfig, step: Promise<T>): Promise<T> {
  const { clock, outageWaitMs, queue } = config;
  let timer: TimerHandle = undefined;
  const late = new Promise<never>((_, reject) => {
    timer = clock.setTimeout(
      () => reject(new RedisUnavailableError(queue, outageWaitMs)),
      outageWaitMs,
    );
  });
  try {
    return await Promise.race([step, late]);
  } finally {
    clock.clearTimeout(timer);
  }
}

/** An error that says Redis was out of reach (the job may or may not be in it). */
function isConnectionError(error: unknown): boolean {
  const { message = '', code = '' } = (error ?? {}) as { message?: string; code?: string };
  return /Connection is closed|Stream isn't writeable|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|MaxRetriesPerRequest/i.test(
    `${code} ${message}`,
  );
}
