import { describe, expect, it, vi } from 'vitest';
import { exponentialBackoff } from '../src/supervision/exponential-backoff.js';
import { RestartLimitExceededError } from '../src/errors.js';
import {
  decideRestart,
  type SupervisorContext,
  type SupervisorDecision,
} from '../src/supervision/supervisor-machine.js';
import {
  asRestart,
  exited,
  supervised,
  supervisorContext,
  type ExitEvent,
} from './support/supervisor-harness.js';

const order = ['a', 'b', 'c', 'd'];

/** Feeds exits at the given times through decideRestart, keeping its context the way the machine does. */
function feed(context: SupervisorContext, exits: readonly [ExitEvent, number][]) {
  let ctx = context;
  return exits.map(([event, now]) => {
    const result = decideRestart(ctx, event, now);
    ctx = { ...ctx, ...result };
    return result.decision;
  });
}

const kinds = (decisions: readonly SupervisorDecision[]) =>
  decisions.map((d) => d.type.replace('supervisor.', ''));

describe('decideRestart: strategies (order = start order)', () => {
  it.each([
    ['one-for-one', 'b', ['b'], []],
    ['one-for-all', 'b', ['a', 'b', 'c', 'd'], ['a', 'c', 'd']],
    ['rest-for-one', 'b', ['b', 'c', 'd'], ['c', 'd']],
    ['rest-for-one', 'a', ['a', 'b', 'c', 'd'], ['b', 'c', 'd']],
    ['rest-for-one', 'd', ['d'], []],
    ['one-for-all', 'd', ['a', 'b', 'c', 'd'], ['a', 'b', 'c']],
  ] as const)('%s, %s exits: restarts %o, stops %o', (strategy, id, ids, stop) => {
    const cause = new Error('boom');
    const context = supervisorContext({ strategy, order });
    const { decision } = decideRestart(context, exited(id, true, cause), 0);
    expect(decision).toEqual({
      type: 'supervisor.restart',
      id,
      ids,
      stop,
      delayMs: 10,
      attempt: 1,
      cause,
    });
  });
});

describe('decideRestart: restart types', () => {
  it.each([
    ['permanent', true, true],
    ['permanent', false, true],
    ['transient', true, true],
    ['transient', false, false],
    ['temporary', true, false],
    ['temporary', false, false],
  ] as const)('%s child, abnormal %s: restarted %s', (restart, abnormal, restarted) => {
    const context = supervisorContext({
      restart,
      order,
      children: { b: { startedAt: 0, consecutive: 0 } },
      restarts: [50],
    });
    const result = decideRestart(context, exited('b', abnormal), 100);
    if (restarted) {
      expect(asRestart(result.decision).ids).toEqual(['b']);
      expect(result.restarts).toEqual([50, 100]);
    } else {
      expect(result.decision).toEqual({ type: 'supervisor.forget', id: 'b' });
      // A child let go neither counts as a restart nor keeps its backoff record.
      expect(result.restarts).toEqual([50]);
      expect(result.children).not.toHaveProperty('b');
    }
  });

  it('does not mutate the context it is given', () => {
    const context = supervisorContext({ order, children: { a: { startedAt: 0, consecutive: 1 } } });
    const snapshot = structuredClone({ children: context.children, restarts: context.restarts });
    decideRestart(context, exited('a'), 10);
    decideRestart({ ...context, restart: 'temporary' }, exited('a'), 10);
    expect({ children: context.children, restarts: context.restarts }).toEqual(snapshot);
  });
});

describe('decideRestart: restart intensity', () => {
  it('the (M+1)-th exit within the window escalates with the last cause', () => {
    const last = new Error('fourth');
    const decisions = feed(supervisorContext({ maxRestarts: 3, withinMs: 1_000, order }), [
      [exited('a'), 0],
      [exited('b'), 100],
      [exited('a'), 200],
      [exited('c', true, last), 999],
    ]);
    expect(kinds(decisions)).toEqual(['restart', 'restart', 'restart', 'escalate']);
    const escalation = decisions[3];
    if (escalation?.type !== 'supervisor.escalate') throw new Error('no escalation');
    expect(escalation.error).toBeInstanceOf(RestartLimitExceededError);
    expect(escalation.error.name).toBe('RestartLimitExceededError');
    expect(escalation.error.restarts).toBe(4);
    expect(escalation.error.withinMs).toBe(1_000);
    expect(escalation.error.cause).toBe(last);
    expect(escalation.error.message).toContain('fourth');
  });

  it('with M = 1, two exits inside the window escalate', () => {
    const decisions = feed(supervisorContext({ maxRestarts: 1, withinMs: 1_000 }), [
      [exited('a'), 0],
      [exited('a'), 999],
    ]);
    expect(kinds(decisions)).toEqual(['restart', 'escalate']);
  });

  it('exits exactly W apart never escalate: a restart W ms ago has left the window', () => {
    const exits = Array.from({ length: 10 }, (_, i): [ExitEvent, number] => [
      exited('a'),
      i * 1_000,
    ]);
    const decisions = feed(supervisorContext({ maxRestarts: 1, withinMs: 1_000 }), exits);
    expect(decisions.every((d) => d.type === 'supervisor.restart')).toBe(true);
  });

  it('the window slides: old restarts stop counting', () => {
    const decisions = feed(supervisorContext({ maxRestarts: 2, withinMs: 1_000 }), [
      [exited('a'), 0],
      [exited('a'), 500],
      [exited('a'), 1_000], // the one at 0 has left
      [exited('a'), 1_499], // 500 and 1000 are still in
    ]);
    expect(kinds(decisions)).toEqual(['restart', 'restart', 'restart', 'escalate']);
  });

  it('maxRestarts 0 escalates on the first exit that wants a restart, not on a forget', () => {
    const context = supervisorContext({ maxRestarts: 0, restart: 'transient' });
    expect(decideRestart(context, exited('a', false), 0).decision.type).toBe('supervisor.forget');
    const { decision } = decideRestart(context, exited('a', true), 0);
    if (decision.type !== 'supervisor.escalate') throw new Error('no escalation');
    expect(decision.error.restarts).toBe(1);
  });
});

describe('decideRestart: backoff', () => {
  it('counts consecutive restarts of a child that did not run stably', () => {
    // Started at 1000 after its second restart, exits 999 ms later: not stable (resetAfterMs 1000).
    const context = supervisorContext({ children: { a: { startedAt: 1_000, consecutive: 2 } } });
    const decision = asRestart(decideRestart(context, exited('a'), 1_999).decision);
    expect(decision.attempt).toBe(3);
    expect(decision.delayMs).toBe(40);
  });

  it('resets to attempt 1 once the child ran resetAfterMs since its last start', () => {
    const context = supervisorContext({ children: { a: { startedAt: 1_000, consecutive: 5 } } });
    const decision = asRestart(decideRestart(context, exited('a'), 2_000).decision);
    expect(decision.attempt).toBe(1);
    expect(decision.delayMs).toBe(10);
  });

  it('keeps a count per child', () => {
    const children = { a: { startedAt: 0, consecutive: 4 }, b: { startedAt: 0, consecutive: 0 } };
    const context = supervisorContext({ children, maxRestarts: 10 });
    expect(asRestart(decideRestart(context, exited('b'), 5).decision).attempt).toBe(1);
    expect(asRestart(decideRestart(context, exited('a'), 5).decision).attempt).toBe(5);
  });

  it('draws the jitter from the context random, within bounds(attempt)', () => {
    const backoff = exponentialBackoff({ minMs: 100, jitter: 0.5 });
    const low = supervisorContext({ backoff, random: () => 0 });
    const high = supervisorContext({ backoff, random: () => 0.75 });
    expect(asRestart(decideRestart(low, exited('a'), 0).decision).delayMs).toBe(50);
    expect(asRestart(decideRestart(high, exited('a'), 0).decision).delayMs).toBe(125);
  });
});

describe('supervisorMachine', () => {
  it('reports each decision to its parent, in start order', () => {
    const h = supervised({ strategy: 'rest-for-one', maxRestarts: 10 });
    h.started('a', 'b', 'c');
    const cause = new Error('b died');
    expect(h.exit('b', true, cause)).toEqual({
      type: 'supervisor.restart',
      id: 'b',
      ids: ['b', 'c'],
      stop: ['c'],
      delayMs: 10,
      attempt: 1,
      cause,
    });
    h.started('c', 'b'); // restarted children keep their places, whatever order they report in
    expect(asRestart(h.exit('a')).ids).toEqual(['a', 'b', 'c']);
    h.removed('a');
    h.started('a'); // removed and added again: now last
    expect(asRestart(h.exit('b')).ids).toEqual(['b', 'c', 'a']);
    expect(h.supervisor.getSnapshot().value).toBe('supervising');
    expect(h.seen).toHaveLength(3);
  });

  it('spawned with a start order, it supervises those children as if each had been added', () => {
    const h = supervised({
      strategy: 'rest-for-one',
      maxRestarts: 10,
      startOrder: ['a', 'b', 'c'],
    });
    expect(h.supervisor.getSnapshot().context.order).toEqual(['a', 'b', 'c']);
    const restart = asRestart(h.exit('b'));
    expect([restart.ids, restart.stop, restart.attempt]).toEqual([['b', 'c'], ['c'], 1]);
    expect(h.exit('d')).toEqual({ type: 'supervisor.forget', id: 'd' }); // not one of them
    h.stop();
  });

  it('reports forget for a transient child that exits normally, and keeps supervising', () => {
    const h = supervised({ restart: 'transient' });
    h.started('a');
    expect(h.exit('a', false)).toEqual({ type: 'supervisor.forget', id: 'a' });
    expect(h.supervisor.getSnapshot().value).toBe('supervising');
  });

  it('escalates past the limit on the clock and ends in the final state escalated', async () => {
    const h = supervised({ maxRestarts: 2, withinMs: 1_000 });
    h.started('a');
    expect(h.exit('a')?.type).toBe('supervisor.restart');
    await h.clock.advance(1_000);
    expect(h.exit('a')?.type).toBe('supervisor.restart'); // the first one has left the window
    await h.clock.advance(500);
    expect(h.exit('a')?.type).toBe('supervisor.restart');
    await h.clock.advance(499);
    const cause = new Error('again');
    const escalation = h.exit('a', true, cause);
    if (escalation?.type !== 'supervisor.escalate') throw new Error('no escalation');
    expect(escalation.error).toMatchObject({ restarts: 3, withinMs: 1_000, cause });
    const snapshot = h.supervisor.getSnapshot();
    expect(snapshot.value).toBe('escalated');
    expect(snapshot.status).toBe('done');
    expect(h.seen.at(-1)).toEqual({ type: 'done' });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(h.exit('a')).toBeUndefined(); // a stopped supervisor decides nothing more
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('stopped actor'));
    warn.mockRestore();
  });

  it('measures stability on its clock: attempts grow, then reset after resetAfterMs', async () => {
    const h = supervised({ maxRestarts: 100, withinMs: 10, resetAfterMs: 1_000 });
    h.started('a');
    await h.clock.advance(5);
    const attempts: number[] = [];
    for (let i = 0; i < 3; i++) {
      attempts.push(asRestart(h.exit('a')).attempt);
      await h.clock.advance(20);
      h.started('a');
      await h.clock.advance(999);
    }
    await h.clock.advance(1);
    const reset = asRestart(h.exit('a'));
    expect(attempts).toEqual([1, 2, 3]);
    expect(reset).toMatchObject({ attempt: 1, delayMs: 10 });
  });
});
