/**
 * A balancer alone on the dashboard: its node and its members as its snapshot lists them, each
 * member's health in the tree and its transitions in the log. Virtual clock for the pools and
 * the balancer's health sampling; the stream is read over a socket.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createBalancer, createPool, createVirtualClock } from '@troupe/core';
import { serveDashboard } from '@troupe/inspect';
import { openEvents, type StreamEvent } from './support/dashboard-client.js';

interface NodeData {
  id: string;
  parent: string | null;
  state: string;
  detail: string;
  machines: Record<string, string[]>;
}

const opened: { close(): unknown }[] = [];
afterEach(async () => {
  for (const thing of opened.splice(0).reverse()) await thing.close();
});

describe('a balancer on the dashboard', () => {
  it('shows its members, their health, and health transitions with their reasons', async () => {
    const clock = createVirtualClock();
    let down = false;
    const pool = (name: string, failing: () => boolean) =>
      createPool({
        name,
        size: 2,
        clock,
        worker: async (n: number) => {
          if (failing()) throw new Error('backend down');
          return n;
        },
      }).start();
    const balancer = createBalancer({
      name: 'api',
      pools: [pool('a', () => down), pool('b', () => false)],
      strategy: 'round-robin',
      owns: true,
      clock,
      intervalMs: 50,
      health: { windowMs: 200, minSamples: 5, maxErrorRate: 0.2 },
    });
    opened.push(balancer);
    const dashboard = await serveDashboard(balancer, { clock, charts: 'list' });
    opened.push(dashboard);
    const events = await openEvents(dashboard.url);
    opened.push(events);
    const { nodes } = (await events.next((e) => e.type === 'snapshot')).data as {
      nodes: NodeData[];
    };
    expect(nodes.map((n) => [n.id, n.parent])).toEqual([
      ['balancer:api', null],
      ['member:api/a', 'balancer:api'],
      ['member:api/b', 'balancer:api'],
    ]);
    expect(nodes[1]!.machines).toEqual({ health: ['health.healthy'] });

    down = true;
    for (let t = 0; t < 40; t++) {
      await Promise.all(Array.from({ length: 4 }, (_, i) => balancer.submit(i)));
      await clock.advance(25);
    }
    const degraded = await events.next(
      (e: StreamEvent) =>
        e.type === 'log' &&
        (e.data as { entry: { kind: string; source: string } }).entry.kind === 'health.changed' &&
        (e.data as { entry: { source: string } }).entry.source === 'member:api/a',
    );
    expect((degraded.data as { entry: { text: string } }).entry.text).toMatch(
      /^health in api: healthy → degraded: .*error rate/,
    );
    await events.next(
      (e) =>
        e.type === 'node' &&
        (e.data as { node: NodeData }).node.id === 'member:api/a' &&
        (e.data as { node: NodeData }).node.machines['health']?.[0] !== 'health.healthy',
    );
  });
});
