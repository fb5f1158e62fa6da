import { TaskCancelled, type Pool, type TimerHandle } from '@troupe/core';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { Subject, type Observable, type Subscription } from 'rxjs';
import { CancelListener } from './cancel-listener.js';
import type { ConsumerReport } from './consumer-report.js';
import { resolveServeOptions, type BullmqServeOptions, type ServeConfig } from './serve-options.js';
import { closeSideConnection, openSideConnection, type SideConnection } from './side-connection.js';
import { channelOf, encodeTaskError } from './wire.js';

/** What a host tells: connection errors of its BullMQ worker (it reconnects by itself). */
export interface HostEvent {
  readonly type: 'error';
  readonly error: unknown;
}

/** How to close a host. */
export interface HostCloseOptions {
  /**
   * Wait at most this long for the jobs running here; then abort their tasks (their jobs fail
   * `TaskCancelled`) and close.
   * @default undefined (wait for them however long they take)
   */
  readonly timeoutMs?: number;
}

/** A consumer of a BullMQ queue that runs its jobs on a Troupe pool. */
export interface BullmqHost {
  /** Its name (the `name` option): how producers' `consumerMetrics` tell hosts apart. */
  readonly id: string;
  /** Starts the pool (if it is not running) and takes jobs; returns the host. */
  start(): this;
  /** Resolves once the host takes jobs and hears cancellations; rejects if it could not start. */
  readonly ready: Promise<void>;
  /** Connection errors, for logs; completes when the host is closed. */
  readonly events$: Observable<HostEvent>;
  /**
   * Takes no new job, waits for the jobs running here (bounded by `timeoutMs`), tells producers
   * it is gone, then closes the pool. Calling it again returns the same promise.
   */
  close(options?: HostCloseOptions): Promise<void>;
}

/**
 * Serves a BullMQ queue with a Troupe pool: a BullMQ `Worker` takes the queue's jobs (as many at
 * once as the pool's size, by default) and submits each job's data to the pool; the task's
 * value completes the job, its `TaskError` fails it (without BullMQ retries: retrying is the
 * producer pool's `retry`), for the producer (`fromBullmq`) to settle with the same tag.
 * Producers' cancellations abort the task's signal. The pool's metrics are published on the
 * queue's metrics channel for producers' `consumerMetrics`.
 *
 * A consumer that dies mid-job leaves the job locked until `lockDurationMs` passes; then a
 * live consumer's stalled check runs it again (at-least-once), up to `maxStalled` times.
 *
 * @example
 * const host = serveBullmq({
 *   queue: 'thumbs',
 *   connection: { host: 'redis', port: 6379 },
 *   pool: createPool({ worker: fromWorkerThread(new URL('./thumb.mjs', import.meta.url)), size: 4 }),
 * }).start();
 * process.on('SIGTERM', () => void host.close());
 */
export function serveBullmq<TInput, TOutput>(
  options: BullmqServeOptions<TInput, TOutput>,
): BullmqHost {
  return new Host(resolveServeOptions(options));
}

class Host<TInput, TOutput> implements BullmqHost {
  readonly events$ = new Subject<HostEvent>();
  readonly ready: Promise<void>;
  #markReady!: () => void;
  #failReady!: (error: unknown) => void;
  #worker: Worker | undefined;
  #sub: SideConnection | undefined;
  #pub: SideConnection | undefined;
  #cancels: CancelListener | undefined;
  #metrics: Subscription | undefined;
  #closing: Promise<void> | undefined;

  constructor(private readonly config: ServeConfig<TInput, TOutput>) {
    this.ready = new Promise<void>((resolve, reject) => {
      this.#markReady = resolve;
      this.#failReady = reject;
    });
    // Nobody need await `ready`: a failed start is told through `close` and `events$` too.
    this.ready.catch(() => undefined);
  }

  get id(): string {
    return this.config.name;
  }

  start(): this {
    if (this.#worker !== undefined || this.#closing !== undefined) return this;
    const { pool, queue, connection, prefix } = this.config;
    if (pool.getSnapshot().state === 'stopped') pool.start();
    const worker = new Worker(queue, (job, _token, signal) => this.#process(job, signal), {
      connection,
      prefix,
      autorun: false,
      concurrency: this.config.concurrency,
      maxStalledCount: this.config.maxStalled,
      lockDuration: this.config.lockDurationMs,
      stalledInterval: this.config.stalledIntervalMs,
    });
    this.#worker = worker;
    worker.on('error', (error) => this.events$.next({ type: 'error', error }));
    this.#sub = openSideConnection(connection);
    this.#pub = openSideConnection(connection);
    for (const side of [this.#sub, this.#pub]) side.on('error', () => undefined);
    this.#cancels = new CancelListener(this.#sub, channelOf(prefix, queue, 'cancel'), worker);
    this.#publishMetrics(pool, this.#pub, channelOf(prefix, queue, 'metrics'));
    void this.#run(worker, this.#cancels);
    return this;
  }

  async #run(worker: Worker, cancels: CancelListener): Promise<void> {
    try {
      await cancels.listen();
      await worker.waitUntilReady();
      const running = worker.run();
      this.#markReady();
      await running;
    } catch (error) {
      this.#failReady(error);
      this.events$.next({ type: 'error', error });
    }
  }

  async #process(job: Job, signal: AbortSignal | undefined): Promise<unknown> {
    const cancelled = this.#cancels?.take(job.id);
    if (cancelled !== undefined)
      throw new UnrecoverableError(encodeTaskError(new TaskCancelled(cancelled)));
    const result = await this.config.pool.submit(
      job.data as TInput,
      signal === undefined ? undefined : { signal },
    );
    if (result._tag === 'Right') return result.right === undefined ? null : result.right;
    // Not retried by BullMQ: the producer's pool decides, by its `retry`.
    throw new UnrecoverableError(encodeTaskError(result.left));
  }

  #publishMetrics(pool: Pool<TInput, TOutput>, pub: SideConnection, channel: string): void {
    const host = this.config.name;
    this.#metrics = pool.metrics$.subscribe((metrics) => {
      const report: ConsumerReport = { host, metrics };
      pub.publish(channel, JSON.stringify(report)).catch(() => undefined);
    });
  }

  close(options: HostCloseOptions = {}): Promise<void> {
    return (this.#closing ??= this.#close(options));
  }

  async #close({ timeoutMs }: HostCloseOptions): Promise<void> {
    const { pool, clock, name, queue, prefix } = this.config;
    const worker = this.#worker;
    if (worker !== undefined) {
      // Stops taking jobs and waits for the ones running here to end.
      const drained = worker.close();
      let timer: TimerHandle = undefined;
      if (timeoutMs !== undefined)
        timer = clock.setTimeout(
          () => worker.cancelAllJobs(`host ${name} closed past its ${timeoutMs} ms timeout`),
          timeoutMs,
        );
      try {
        await drained;
      } catch (error) {
        this.events$.next({ type: 'error', error });
      } finally {
        if (timeoutMs !== undefined) clock.clearTimeout(timer);
      }
    }
    this.#metrics?.unsubscribe();
    if (this.#pub !== undefined) {
      const gone: ConsumerReport = { host: name, metrics: pool.getSnapshot().metrics, gone: true };
      await this.#pub
        .publish(channelOf(prefix, queue, 'metrics'), JSON.stringify(gone))
        .catch(() => 0);
    }
    await Promise.all([
      this.#sub && closeSideConnection(this.#sub),
      this.#pub && closeSideConnection(this.#pub),
    ]);
    this.#failReady(new Error(`host ${name} closed before it was ready`));
    await pool.close();
    this.events$.complete();
  }
}
