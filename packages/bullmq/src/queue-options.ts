/**
 * The options a producer (`fromBullmq`) and a consumer (`serveBullmq`) share: which queue, on
 * which Redis, under which key prefix; and the checks of plain numbers both use.
 */
import { InvalidOptionError } from '@troupe/core';
import type { ConnectionOptions } from 'bullmq';

/** Where a queue lives. */
export interface QueueLocation {
  /** The BullMQ queue's name (no `:`): producers and consumers of one queue use the same. */
  readonly queue: string;
  /**
   * The Redis to use: ioredis options (`{ host, port }`, …) or an ioredis instance. With options,
   * each part opens the connections it needs; an instance is duplicated where a part needs a
   * connection of its own (BullMQ's blocking reads, Pub/Sub).
   */
  readonly connection: ConnectionOptions;
  /**
   * BullMQ's key prefix; producers and consumers of one queue use the same.
   * @default 'bull'
   */
  readonly prefix?: string;
}

/** A checked `QueueLocation`. */
export interface ResolvedLocation {
  readonly queue: string;
  readonly connection: ConnectionOptions;
  readonly prefix: string;
}

/** Checks the queue, connection and prefix options. */
export function resolveLocation(options: QueueLocation): ResolvedLocation {
  const { queue, connection, prefix = 'bull' } = options;
  if (typeof queue !== 'string' || queue.length === 0 || queue.includes(':'))
    throw new InvalidOptionError(
      'queue',
      queue,
      "a non-empty string without ':' (a BullMQ queue name)",
    );
  if (typeof connection !== 'object' || connection === null)
    throw new InvalidOptionError(
      'connection',
      connection,
      'ioredis connection options ({ host, port, … }) or an ioredis instance',
    );
  if (typeof prefix !== 'string' || prefix.length === 0)
    throw new InvalidOptionError('prefix', prefix, 'a non-empty string (a Redis key prefix)');
  return { queue, connection, prefix };
}

/** `value`, checked to be a whole number from `min` to `max` (or `fallback` when undefined). */
export function wholeNumber(
  option: string,
  value: unknown,
  fallback: number,
  min: number,
  max: number,
  what: string,
): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max)
    return value;
  throw new InvalidOptionError(option, value, `a whole number from ${min} to ${max} (${what})`);
}

/** `value`, checked to be a duration in ms > 0 (or `fallback` when undefined). */
export function duration(option: string, value: unknown, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && value > 0 && Number.isFinite(value)) return value;
  throw new InvalidOptionError(option, value, `a finite number of ms > 0 (${what})`);
}
