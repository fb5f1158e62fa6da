/** createBalancer's options: a bad one throws at once, naming the option, the value and what is allowed. */
import { describe, expect, it } from 'vitest';
import { createBalancer, createPool, InvalidOptionError, type BalancerOptions } from '@troupe/core';

const a = createPool({ name: 'a', worker: async (x: number) => x, size: 1 });
const b = createPool({ name: 'b', worker: async (x: number) => x, size: 1 });
const make = (options: Partial<BalancerOptions<number, number>>) => () =>
  createBalancer({ pools: [a, b], ...options });

describe('createBalancer options', () => {
  it.each<[string, Partial<BalancerOptions<number, number>>, string]>([
    [
      'no pools',
      { pools: [] },
      'invalid option `pools`: got []; allowed: a non-empty array of pools',
    ],
    [
      'a member that is no sink',
      { pools: [a, {} as never] },
      'invalid option `pools[1]`: got {}; allowed: a pool or a balancer',
    ],
    ['a member twice', { pools: [a, a] }, 'invalid option `pools[1]`'],
    [
      'an unknown strategy',
      { strategy: 'random' as never },
      "invalid option `strategy`: got \"random\"; allowed: one of 'round-robin', 'weighted', 'least-loaded', 'power-of-two-choices', 'key-hash', or a function",
    ],
    [
      'weights without weighted',
      { weights: [1, 2] },
      'invalid option `weights`: got [1,2]; allowed: only with strategy: \'weighted\' (strategy is "least-loaded")',
    ],
    [
      'weighted without weights',
      { strategy: 'weighted' },
      'invalid option `weights`: got undefined; allowed: one weight >= 0 per member (2: a, b)',
    ],
    [
      'one weight too few',
      { strategy: 'weighted', weights: [1] },
      'invalid option `weights`: got [1]',
    ],
    [
      'a negative weight',
      { strategy: 'weighted', weights: [1, -1] },
      'invalid option `weights[1]`: got -1; allowed: a finite number >= 0',
    ],
    ['all weights 0', { strategy: 'weighted', weights: [0, 0] }, 'at least one > 0'],
    [
      'a weight for no member',
      { strategy: 'weighted', weights: { a: 1, c: 2 } },
      "invalid option `weights.c`: got 2; allowed: a member's name: a, b",
    ],
    [
      'a bad capacity',
      { capacity: -1 },
      'invalid option `capacity`: got -1; allowed: a whole number >= 0, or Infinity',
    ],
    [
      'drop-oldest',
      { overflow: 'drop-oldest' as never },
      "invalid option `overflow`: got \"drop-oldest\"; allowed: 'reject' or 'wait'",
    ],
    [
      'isAvailable not a function',
      { isAvailable: true as never },
      'invalid option `isAvailable`: got true',
    ],
    ['owns not a boolean', { owns: 'yes' as never }, 'invalid option `owns`'],
    ['intervalMs 0', { intervalMs: 0 }, 'invalid option `intervalMs`: got 0'],
    [
      'health that is no object',
      { health: 'yes' as never },
      'invalid option `health`: got "yes"; allowed: true (the default thresholds), false, or thresholds',
    ],
    [
      'a health threshold out of range',
      { health: { maxErrorRate: 2 } },
      'invalid option `health.maxErrorRate`: got 2; allowed: a number from 0 to 1',
    ],
    [
      'health thresholds that contradict',
      { health: { failuresToDegrade: 3, failuresToUnhealthy: 2 } },
      'invalid option `health.failuresToUnhealthy`: got 2; allowed: a whole number > failuresToDegrade (3)',
    ],
    ['an unknown health option', { health: { maxErrors: 1 } as never }, '`health.maxErrors`'],
    [
      'a misspelt option',
      { strategi: 'round-robin' } as never,
      'invalid option `strategi`: got "round-robin"; allowed: one of the known options: name, pools, strategy',
    ],
  ])('refuses %s', (_what, options, message) => {
    expect(make(options)).toThrow(InvalidOptionError);
    expect(make(options)).toThrow(message);
  });

  it('takes health: true (the defaults) or false (off)', async () => {
    const on = createBalancer({ pools: [a, b], health: true });
    const off = createBalancer({ pools: [a, b], health: false });
    expect(on.getSnapshot().members.map((m) => m.health)).toEqual(['healthy', 'healthy']);
    expect(off.getSnapshot().members.map((m) => m.health)).toEqual([undefined, undefined]);
    await Promise.all([on.close(), off.close()]);
  });

  it('tells apart members named alike by their index', () => {
    const same = [0, 1, 2].map(() => createPool({ worker: async (x: number) => x }));
    const balancer = createBalancer({ pools: same });
    expect(balancer.getSnapshot().members.map((m) => m.name)).toEqual(['pool', 'pool#1', 'pool#2']);
  });

  it('takes a record of pools (named by its keys) and a strategy of your own', async () => {
    const p = createPool({ worker: async (x: number) => x * 10, size: 1 }).start();
    const q = createPool({ worker: async (x: number) => x * 100, size: 1 }).start();
    const balancer = createBalancer({
      pools: { p, q },
      strategy: (members) => members.findIndex((m) => m.name === 'q'),
    });
    await new Promise((r) => setTimeout(r, 10)); // real pools start on the system clock
    expect(await balancer.run(1)).toBe(100);
    expect(balancer.getSnapshot().members.map((m) => m.name)).toEqual(['p', 'q']);
    await Promise.all([balancer.close(), p.close(), q.close()]);
  });

  it('a strategy that chooses no member fails the task (TaskFailed), naming it', async () => {
    const p = createPool({ worker: async (x: number) => x, size: 1 }).start();
    const balancer = createBalancer({ name: 'odd', pools: [p], strategy: () => 3 });
    await new Promise((r) => setTimeout(r, 10));
    await expect(balancer.run(1)).rejects.toMatchObject({
      _tag: 'TaskFailed',
      cause: {
        message: "the strategy of balancer 'odd' chose 3: expected a whole number from 0 to 0",
      },
    });
    await Promise.all([balancer.close(), p.close()]);
  });
});
