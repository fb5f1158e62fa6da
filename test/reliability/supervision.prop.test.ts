/**
 * Supervision under generated faults (fast-check `fc.commands`, virtual clock): tasks that throw,
 * crash their worker, hang past their timeout or run long; setups that fail; workers killed from
 * outside; starts and closes in between — under every strategy, restart type, limit, window and
 * backoff. After every command: lifecycle moves are legal and submits are accepted exactly while
 * starting or running; no window of `withinMs` holds more than `maxRestarts` restart decisions
 * (read off `worker.restarting`), and the pool gives up exactly when the next would exceed it;
 * each decision restarts the seats its strategy names; counters conserve; no task settles twice.
 * At the end every accepted task has settled exactly once.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  PoolStateError,
  type CloseOptions,
  type RestartType,
  type SupervisionStrategy,
} from '@troupe/core';
import { track } from '../../packages/core/test/support/pool-harness.js';
import { tagOf } from './support/observe.js';
import { check, SupervisedPool, type Config, type Kind } from './support/supervised-pool.js';

type Cmd = fc.AsyncCommand<object, SupervisedPool>;
const cmd = (name: string, run: (r: SupervisedPool) => Promise<void>): Cmd => ({
  check: () => true,
  run: async (_, r) => {
    await run(r);
    await check(r);
  },
  toString: () => name,
});

const start = cmd('start()', async (r) => {
  const before = r.state;
  // Closing, or closed for good: a close that reached `stopped` is final.
  if (before === 'closing' || (before === 'stopped' && r.closes.length > 0))
    return expect(() => r.pool.start()).toThrow(PoolStateError);
  r.pool.start();
  if (before === 'stopped' || before === 'failed') expect(r.state).toBe('starting');
});
const submit = (kinds: Kind[]) =>
  cmd(`submit(${kinds.join()})`, async (r) => {
    for (const kind of kinds) {
      const before = r.state;
      const submitted = r.pool.getSnapshot().metrics.submitted;
      const promise = track(r.pool.submit(kind));
      const accepted = r.pool.getSnapshot().metrics.submitted === submitted + 1;
      expect(accepted, `submit while ${before}`).toBe(
        before === 'starting' || before === 'running',
      );
      if (accepted) r.tasks.push({ kind, promise, emitted: [] });
    }
  });
const advance = (ms: number) => cmd(`advance(${ms})`, (r) => r.clock.advance(ms));
const failSetups = (n: number) =>
  cmd(`failSetups(${n})`, async (r) => {
    r.failNext += n;
  });
const kill = (k: number) =>
  cmd(`kill(${k})`, async (r) => {
    const live = r.pool
      .getSnapshot()
      .workers.filter((w) => w.state === 'idle' || w.state === 'busy');
    const victim = live[k % Math.max(1, live.length)];
    if (victim !== undefined) r.crashers.get(victim.id)?.(new Error(`killed ${victim.id}`));
  });
const close = (options: CloseOptions) =>
  cmd(`close(${JSON.stringify(options)})`, async (r) => {
    const before = r.state;
    r.closes.push(track(r.pool.close(options)));
    expect(before === 'stopped' ? ['stopped'] : ['closing', 'stopped']).toContain(r.state);
  });

const configArb: fc.Arbitrary<Config> = fc.record({
  size: fc.integer({ min: 1, max: 3 }),
  strategy: fc.constantFrom<SupervisionStrategy>('one-for-one', 'one-for-all', 'rest-for-one'),
  restart: fc.constantFrom<RestartType>('permanent', 'permanent', 'transient', 'temporary'),
  maxRestarts: fc.constantFrom(0, 1, 2, 3, 5, 8),
  withinMs: fc.constantFrom(100, 300, 1_000, 5_000),
  minMs: fc.constantFrom(0, 10, 100),
  factor: fc.constantFrom(1, 2, 3),
  jitter: fc.constantFrom(0, 0.2, 1),
  resetAfterMs: fc.constantFrom(0, 100, 2_000),
  setupMs: fc.constantFrom(0, 0, 30),
  retry: fc.constantFrom(1, 1, 2, 3),
  quarantineAfter: fc.integer({ min: 1, max: 3 }),
  seed: fc.integer(),
});
const kindArb = fc.constantFrom<Kind>('ok', 'ok', 'throw', 'crash', 'crash', 'hang', 'slow');
const commandsArb = fc.commands(
  [
    fc.oneof(
      { weight: 2, arbitrary: fc.constant(start) },
      { weight: 6, arbitrary: fc.array(kindArb, { minLength: 1, maxLength: 5 }).map(submit) },
      { weight: 5, arbitrary: fc.constantFrom(0, 10, 50, 100, 300, 1_000, 5_000).map(advance) },
      { weight: 2, arbitrary: fc.integer({ min: 1, max: 4 }).map(failSetups) },
      { weight: 2, arbitrary: fc.nat(5).map(kill) },
      {
        weight: 1,
        arbitrary: fc
          .constantFrom<CloseOptions>({}, { abort: true }, { timeoutMs: 0 }, { timeoutMs: 500 })
          .map(close),
      },
    ),
  ],
  { maxCommands: 40, size: 'max' },
);

describe('supervision under generated faults (fc.commands, virtual clock)', () => {
  it('keeps lifecycle legal and restarts within the limit; every accepted task settles exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(configArb, commandsArb, async (config, commands) => {
        const r = new SupervisedPool(config);
        r.pool.start();
        await fc.asyncModelRun(() => ({ model: {}, real: r }), commands);
        // Faults stop: a running pool settles what it holds and gets back to full size.
        r.failNext = 0;
        const busy = () => r.tasks.some((t) => t.emitted.length === 0);
        const idle = () => r.pool.getSnapshot().workers.filter((w) => w.state === 'idle').length;
        const recovering = () =>
          ['starting', 'running'].includes(r.state) && config.restart !== 'temporary';
        for (let i = 0; i < 300 && recovering() && (busy() || idle() < config.size); i++)
          await r.clock.advance(1_000);
        await check(r);
        if (recovering()) {
          expect(busy(), 'tasks still unsettled long after the faults stopped').toBe(false);
          const snap = r.pool.getSnapshot();
          expect(snap.state).toBe('running');
          expect(snap.workers.map((w) => w.state)).toEqual(Array(config.size).fill('idle'));
          expect(snap.metrics.workers).toBe(config.size);
        }
        // End: close with a deadline (a drain close already under way keeps going without one:
        // with the faults over it must still end); then everything has settled once.
        const pending = () => r.closes.some((c) => c.settled === 0);
        if (r.state !== 'stopped') r.closes.push(track(r.pool.close({ timeoutMs: 2_000 })));
        for (let i = 0; i < 1_000 && pending(); i++) await r.clock.advance(1_000);
        await check(r);
        expect(r.closes.map((c) => [c.settled, c.rejected])).toEqual(
          r.closes.map(() => [1, false]),
        );
        expect(r.state).toBe('stopped');
        expect(r.tasks.filter((t) => t.emitted.length !== 1)).toEqual([]);
        expect(tagOf(await r.pool.submit('ok'))).toBe('TaskRejected');
      }),
      { numRuns: 150 },
    );
  });
});
