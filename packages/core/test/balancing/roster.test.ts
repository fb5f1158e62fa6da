/**
 * Routing over many members looks at none but the one chosen: over 10,000 members (stand-in
 * sinks, cheap to make) a task costs one `isAvailable` call and no member snapshot, strategies
 * see one array kept up to date in place, and figures are read once a refresh, when asked for.
 */
import { BehaviorSubject, EMPTY } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  createBalancer,
  createPool,
  createVirtualClock,
  keyHash,
  ok,
  type MemberView,
  type PoolState,
  type Strategy,
  type TaskSink,
} from '@troupe/core';

const metrics = createPool({ worker: (x: number) => x }).getSnapshot().metrics;

/** A running sink that answers with its own name at once, and counts its snapshots. */
function member(name: string) {
  const state = new BehaviorSubject<PoolState>('running');
  const counts = { snapshots: 0 };
  const sink: TaskSink<string, string> = {
    name,
    capacity: Infinity,
    state$: state.asObservable(),
    results$: EMPTY,
    metrics$: EMPTY,
    submit: () => Promise.resolve(ok(name)),
    run: () => Promise.resolve(name),
    submitMany: (inputs) => Promise.resolve(Array.from(inputs, () => ok(name))),
    getSnapshot: () => {
      counts.snapshots++;
      return { state: state.value, size: 2, metrics };
    },
    onIdle: () => Promise.resolve(),
    close: () => {
      state.next('stopped');
      state.complete();
      return Promise.resolve();
    },
  };
  return { sink, counts };
}

const keys = Array.from({ length: 2_000 }, (_, i) => `tenant-${i}`);

describe('routing over many members', () => {
  it('10,000 members: one isAvailable call a task, no snapshot, one array; a member leaving moves only its keys', async () => {
    const members = Array.from({ length: 10_000 }, (_, i) => member(`m${i}`));
    let asked = 0;
    const arrays = new Set<readonly MemberView[]>();
    const inner = keyHash();
    const strategy: Strategy = (list, task, state) => {
      arrays.add(list);
      return inner(list, task, state);
    };
    const balancer = createBalancer({
      pools: members.map((m) => m.sink),
      strategy,
      isAvailable: () => (asked++, true),
      clock: createVirtualClock(),
    });
    const route = () => Promise.all(keys.map((key) => balancer.run(key, { key })));
    const before = await route();
    expect(asked).toBe(keys.length);
    expect(members.reduce((n, m) => n + m.counts.snapshots, 0)).toBe(0);
    expect(arrays.size).toBe(1);
    expect(new Set(before).size).toBeGreaterThan(1_500); // keys spread over the members

    const leaving = before[0]!;
    await members[Number(leaving.slice(1))]!.sink.close();
    const after = await route();
    expect(arrays.size).toBe(1);
    after.forEach((owner, i) => {
      if (before[i] === leaving) expect(owner).not.toBe(leaving);
      else expect(owner).toBe(before[i]);
    });
    await balancer.close();
  });

  it("reads a member's figures once a refresh, when a strategy first asks for them", async () => {
    const clock = createVirtualClock();
    const members = [member('a'), member('b')];
    const balancer = createBalancer({
      pools: members.map((m) => m.sink),
      strategy: 'power-of-two-choices', // reads `size` of both members it draws
      intervalMs: 1_000,
      clock,
    });
    const snapshots = () => members.map((m) => m.counts.snapshots);
    await Promise.all(Array.from({ length: 500 }, (_, i) => balancer.run(String(i))));
    expect(snapshots()).toEqual([1, 1]);
    await clock.advance(1_000);
    await Promise.all(Array.from({ length: 500 }, (_, i) => balancer.run(String(i))));
    expect(snapshots()).toEqual([2, 2]);
    await balancer.close();
  });
});
