import { describe, expect, it } from 'vitest';
import { createVirtualClock } from '@troupe/core';
import { EventLog, type LogEntry } from '../src/dashboard/event-log.js';

const line = (text: string, source = 'pool:a') =>
  ({ source, kind: 'task.rejected', text, level: 'warn' }) as const;

describe('EventLog', () => {
  it('counts a repeat of the last entry on it, and tells each change', async () => {
    const clock = createVirtualClock();
    const told: LogEntry[] = [];
    const log = new EventLog(10, clock, (entry) => told.push(entry));
    log.add(line('queue full'));
    await clock.advance(50);
    log.add(line('queue full'));
    log.add(line('queue full', 'pool:b'));
    log.add(line('queue full'));
    expect(log.list().map((e) => [e.id, e.source, e.count, e.at])).toEqual([
      [1, 'pool:a', 2, 50],
      [2, 'pool:b', 1, 50],
      [3, 'pool:a', 1, 50],
    ]);
    expect(told.map((e) => [e.id, e.count])).toEqual([
      [1, 1],
      [1, 2],
      [2, 1],
      [3, 1],
    ]);
    // What was told does not change afterwards.
    expect(told[0]!.count).toBe(1);
  });

  it('keeps the last `size` entries', () => {
    const log = new EventLog(3, createVirtualClock(), () => {});
    for (let i = 0; i < 10; i++) log.add(line(`n${i}`));
    expect(log.list().map((e) => e.text)).toEqual(['n7', 'n8', 'n9']);
  });
});
