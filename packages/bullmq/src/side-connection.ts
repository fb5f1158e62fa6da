import { Redis, type RedisOptions } from 'ioredis';
import type { ConnectionOptions } from 'bullmq';

/** The part of an ioredis client the package's own side connections use. */
export type SideConnection = Redis;

/**
 * A connection of the package's own, beside BullMQ's (Pub/Sub for cancellations and metrics):
 * a duplicate of a given ioredis instance, or a new client from options. It reconnects as
 * ioredis does; commands given while it is down wait for it (`maxRetriesPerRequest: null`), so
 * a message is not dropped by a short outage.
 */
export function openSideConnection(connection: ConnectionOptions): SideConnection {
  const given = connection as { duplicate?: unknown };
  if (typeof given.duplicate === 'function') return (given.duplicate as () => Redis)();
  return new Redis({ ...(connection as RedisOptions), maxRetriesPerRequest: null });
}

/** Closes a side connection, politely if it is up, at once if not; never throws. */
export async function closeSideConnection(redis: SideConnection): Promise<void> {
  try {
    if (redis.status === 'ready') await redis.quit();
    else redis.disconnect();
  } catch {
    redis.disconnect();
  }
}
