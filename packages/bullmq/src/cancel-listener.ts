import type { Worker } from 'bullmq';
import type { SideConnection } from './side-connection.js';
import type { CancelMessage } from './wire.js';

/** Cancellations heard for jobs not running here, kept in case they start here next. */
const REMEMBERED = 10_000;

/**
 * A consumer's ear on its queue's cancel channel: a job running here is aborted
 * (`worker.cancelJob`, which aborts the signal its task runs with); a job not running here is
 * remembered (the newest 10,000), so that it is refused if it starts here after the message
 * came — a producer tells before it tries to remove, and a job may be taken in between.
 */
export class CancelListener {
  readonly #recent = new Map<string, string>();

  constructor(
    private readonly redis: SideConnection,
    private readonly channel: string,
    private readonly worker: Worker,
  ) {
    redis.on('message', (from: string, text: string) => {
      if (from === this.channel) this.#heard(text);
    });
  }

  /** Subscribes (again after every reconnection: ioredis does that itself). */
  async listen(): Promise<void> {
    await this.redis.subscribe(this.channel);
  }

  /** The reason a job was cancelled before it started here, if it was (forgotten once read). */
  take(jobId: string | undefined): string | undefined {
    if (jobId === undefined || this.#recent.size === 0) return undefined;
    const reason = this.#recent.get(jobId);
    if (reason !== undefined) this.#recent.delete(jobId);
    return reason;
  }

  #heard(text: string): void {
    let message: CancelMessage;
    try {
      message = JSON.parse(text) as CancelMessage;
    } catch {
      return;
    }
    if (typeof message.jobId !== 'string') return;
    const reason = String(message.reason);
    if (this.worker.cancelJob(message.jobId, reason)) return;
    if (this.#recent.size >= REMEMBERED) {
      const oldest = this.#recent.keys().next().value;
      if (oldest !== undefined) this.#recent.delete(oldest);
    }
    this.#recent.set(message.jobId, reason);
  }
}
