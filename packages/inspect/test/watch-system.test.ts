/**
 * A system on the dashboard: the tree system → balancers → pools → workers, kept up with
 * reconfigurations, and a worker's crash and restart in the log — all from the system's own
 * streams and its members'. Virtual clock for the system; the stream is read over a socket.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  createSystem,
  createVirtualClock,
  fromAsync,
  WorkerCrashedError,
  type VirtualClock,
} from '@troupe/core';
import { serveDashboard } from '@troupe/inspect';
import { Counted } from './support/counted.js';
import { openEvents, type EventStream, type StreamEvent } from './support/dashboard-client.js';

interface NodeData {
  id: string;
  parent: string | null;
  state: string;
  machines: Record<string, string[]>;
}

const opened: { close(): unknown }[] = [];
afterEach(async () => {
  for (const thing of opened.splice(0).reverse()) await thing.close();
});

const job = fromAsync({
  run: async (n: number) => {
    if (n < 0) throw new WorkerCrashedError('injected fault');
    return n;
  },
});

function system(clock: VirtualClock) {
  const s = createSystem({
    name: 'shop',
    clock,
    pools: {
      a: { size: 2, worker: job },
      b: { size: 1, worker: job },
      solo: { size: 1, worker: job },
    },
    balancers: { front: { pools: ['a', 'b'] } },
  });
  opened.push(s);
  return s;
}

async function watch(target: Parameters<typeof serveDashboard>[0], clock: VirtualClock) {
  const dashboard = await serveDashboard(target, { clock, charts: 'list' });
  opened.push(dashboard);
  const events = await openEvents(dashboard.url);
  opened.push(events);
  return { dashboard, events };
}

const logText = (events: EventStream, text: string) =>
  events.next(
    (e: StreamEvent) =>
      e.type === 'log' && (e.data as { entry: { text: string } }).entry.text === text,
  );

describe('a system on the dashboard', () => {
  it('shows system → balancers → pools → workers with their states', async () => {
    const clock = createVirtualClock();
    const s = system(clock);
    await s.start();
    const { events } = await watch(s, clock);
    const { nodes } = (await events.next((e) => e.type === 'snapshot')).data as {
      nodes: NodeData[];
    };
    const parentOf = Object.fromEntries(nodes.map((n) => [n.id, n.parent]));
    expect(parentOf).toEqual({
      'system:shop': null,
      'balancer:front': 'system:shop',
      'pool:a': 'balancer:front',
      'worker:a/a-w1': 'pool:a',
      'worker:a/a-w2': 'pool:a',
      'pool:b': 'balancer:front',
      'worker:b/b-w1': 'pool:b',
      'pool:solo': 'system:shop',
      'worker:solo/solo-w1': 'pool:solo',
    });
    const system_ = nodes.find((n) => n.id === 'system:shop')!;
    expect(system_).toMatchObject({ state: 'running', machines: { system: ['system.running'] } });
    expect(nodes.find((n) => n.id === 'balancer:front')!.state).toBe('running');
  });

  it('logs a crash, the restart and the new worker; the tree shows it idle', async () => {
    const clock = createVirtualClock();
    const s = system(clock);
    await s.start();
    const { events } = await watch(s, clock);
    const outcome = await s.pool('solo').submit(-1);
    expect(outcome._tag).toBe('Left');
    await logText(events, 'solo-w1 crashed: WorkerCrashedError: injected fault');
    const restarting = await events.next(
      (e) =>
        e.type === 'log' &&
        /^solo-w1 restarting in \d+ ms \(attempt 1\)$/.test(
          (e.data as { entry: { text: string } }).entry.text,
        ),
    );
    expect((restarting.data as { entry: { level: string } }).entry.level).toBe('warn');
    await clock.advance(1_000);
    await logText(events, 'solo-w1-r1 restarted on seat solo-w1');
    await events.next(
      (e) =>
        e.type === 'node' &&
        (e.data as { node: NodeData }).node.id === 'worker:solo/solo-w1-r1' &&
        (e.data as { node: NodeData }).node.state === 'idle',
    );
    await events.next(
      (e) =>
        e.type === 'sample' &&
        (e.data as { id: string; sample: { restarts: number } }).id === 'pool:solo' &&
        (e.data as { sample: { restarts: number } }).sample.restarts === 1,
    );
  });

  it('follows a reconfiguration: pools added and removed', async () => {
    const clock = createVirtualClock();
    const s = system(clock);
    await s.start();
    const { events } = await watch(s, clock);
    await events.next((e) => e.type === 'snapshot');
    const reconfiguring = s.reconfigure({
      name: 'shop',
      clock,
      pools: {
        a: { size: 2, worker: job },
        b: { size: 1, worker: job },
        extra: { size: 1, worker: job },
      },
      balancers: { front: { pools: ['a', 'b'] } },
    });
    await clock.advance(0);
    await reconfiguring;
    await events.next(
      (e) => e.type === 'node' && (e.data as { node: NodeData }).node.id === 'pool:extra',
    );
    await events.next(
      (e) => e.type === 'node-removed' && (e.data as { id: string }).id === 'pool:solo',
    );
  });

  it('close unsubscribes from the system and every member', async () => {
    const clock = createVirtualClock();
    const s = system(clock);
    await s.start();
    const counted = new Counted();
    const { dashboard, events } = await watch(counted.system(s), clock);
    await events.next((e) => e.type === 'snapshot');
    await clock.advance(1_000);
    expect(counted.live.get('system.metrics$')).toBe(1);
    expect(counted.live.get('a.events$')).toBe(1);
    expect(counted.live.get('front.state$')).toBe(1);
    expect(counted.total()).toBe(4 + 3 * 2 + 1);
    await dashboard.close();
    await events.end();
    expect(counted.total()).toBe(0);
    await clock.advance(5_000);
    expect(counted.total()).toBe(0);
  });

  it("offers no close for a system's pool: the system closes its pools", async () => {
    const clock = createVirtualClock();
    const s = system(clock);
    await s.start();
    const { dashboard, events } = await watch(s, clock);
    const { nodes } = (await events.next((e) => e.type === 'snapshot')).data as {
      nodes: (NodeData & { controls: string[] })[];
    };
    expect(nodes.find((n) => n.id === 'pool:a')!.controls).toEqual(['pause', 'resume', 'resize']);
    const headers = { 'X-Troupe-Token': dashboard.token };
    const close = await fetch(new URL('pools/a/close', dashboard.url), { method: 'POST', headers });
    expect(close.status).toBe(409);
    expect(s.pool('a').getSnapshot().state).toBe('running');
    const pause = await fetch(new URL('pools/a/pause', dashboard.url), { method: 'POST', headers });
    expect(pause.status).toBe(202);
    expect(s.pool('a').isPaused).toBe(true);
  });
});
