/**
 * The runtime's events in words, for the event log: a pool's `events$`, a system's, a health
 * transition. Pure; a cause that cannot be printed is described, never thrown.
 */
import type { MemberHealthTransition, PoolEvent, SystemEvent } from '@troupe/core';
import type { LogLine } from './event-log.js';

/** The log line of a pool event (`source`: the pool's node id); `pool.state` is told from `state$`. */
export function poolEventLine(source: string, event: PoolEvent): LogLine | undefined {
  const line = (kind: string, text: string, level: LogLine['level'] = 'info'): LogLine => ({
    source,
    kind,
    text,
    level,
  });
  switch (event.type) {
    case 'pool.state':
      return undefined;
    case 'pool.resized':
      return line(event.type, `resized ${event.from} → ${event.to}`);
    case 'pool.paused':
      return line(event.type, 'paused (submits queue, nothing new starts)', 'warn');
    case 'pool.resumed':
      return line(event.type, 'resumed');
    case 'pool.failed':
      return line(event.type, `failed: ${describeCause(event.error)}`, 'error');
    case 'scale.up':
    case 'scale.down':
      return line(
        event.type,
        `${event.dryRun ? 'would scale' : 'scaled'} ${event.from} → ${event.to} ` +
          `because ${event.because}: ${event.detail}`,
      );
    case 'worker.started':
      return line(event.type, `${event.workerId} started`);
    case 'worker.crashed':
      return line(event.type, `${event.workerId} crashed: ${describeCause(event.cause)}`, 'error');
    case 'worker.replaced':
      return line(event.type, `${event.workerId} replaced: ${describeCause(event.cause)}`, 'warn');
    case 'worker.restarting':
      return line(
        event.type,
        `${event.workerId} restarting in ${Math.round(event.delayMs)} ms (attempt ${event.attempt})`,
        'warn',
      );
    case 'worker.restarted':
      return line(event.type, `${event.workerId} restarted on seat ${event.seat}`);
    case 'worker.stopped':
      return line(event.type, `${event.workerId} stopped`);
    case 'worker.teardown-failed':
      return line(
        event.type,
        `${event.workerId} teardown failed: ${describeCause(event.error)}`,
        'warn',
      );
    case 'worker.abandoned':
      return line(event.type, `${event.workerId} abandoned during ${event.during}`, 'warn');
    case 'task.rejected':
      return line(event.type, `task rejected (${event.reason}): ${event.message}`, 'warn');
    case 'task.timed-out':
      return line(
        event.type,
        `a task on ${event.workerId} timed out after ${event.timeoutMs} ms`,
        'warn',
      );
    case 'task.stray-answer':
      return line(event.type, `stray answer from ${event.workerId}: ${event.detail}`, 'warn');
  }
}

/** The log line of a system event (`source`: the system's node id; pool events name their pool's). */
export function systemEventLine(source: string, event: SystemEvent): LogLine | undefined {
  switch (event.type) {
    case 'system.state':
      return {
        source,
        kind: event.type,
        text: `state ${event.state}`,
        level: event.state === 'failed' ? 'error' : 'info',
      };
    case 'pool.state':
      return undefined; // told by the pool's own state$
    case 'pool.restarting':
      return {
        source: `pool:${event.pool}`,
        kind: event.type,
        text: `restarting in ${Math.round(event.delayMs)} ms (attempt ${event.attempt}): ${describeCause(event.cause)}`,
        level: 'warn',
      };
    case 'pool.restarted':
      return {
        source: `pool:${event.pool}`,
        kind: event.type,
        text: event.workers ? 'restarted (its workers)' : 'restarted',
        level: 'info',
      };
    case 'system.failed':
      return {
        source,
        kind: event.type,
        text: `failed: ${describeCause(event.error)}`,
        level: 'error',
      };
    case 'system.reconfigured': {
      const lists: Readonly<Record<string, readonly string[]>> = { ...event.changes };
      const changes = Object.entries(lists)
        .filter(([, names]) => names.length > 0)
        .map(([what, names]) => `${what} ${names.join(', ')}`);
      const text = `reconfigured${changes.length === 0 ? ' (no change)' : `: ${changes.join('; ')}`}`;
      return { source, kind: event.type, text, level: 'info' };
    }
  }
}

/** The log line of a member's health transition. */
export function healthLine(source: string, balancer: string, t: MemberHealthTransition): LogLine {
  return {
    source,
    kind: 'health.changed',
    text: `health in ${balancer}: ${t.from} → ${t.to}: ${t.reason}`,
    level: t.to === 'healthy' ? 'info' : t.to === 'degraded' ? 'warn' : 'error',
  };
}

/** A thrown value in a line: an Error's name and message, anything else as text. */
export function describeCause(cause: unknown): string {
  try {
    if (cause instanceof Error) {
      return cause.message === '' ? cause.name : `${cause.name}: ${cause.message}`;
    }
    switch (typeof cause) {
      case 'string':
        return cause;
      case 'undefined':
        return 'no cause given';
      case 'function':
        return `a function ${cause.name}`;
      case 'object':
        return cause === null ? 'null' : (JSON.stringify(cause) ?? 'an object');
      case 'symbol':
        return cause.toString();
      default:
        return String(cause);
    }
  } catch {
    return 'a value that cannot be printed';
  }
}
