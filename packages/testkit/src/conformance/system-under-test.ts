import type { InspectionEvent } from 'xstate';
import {
  PoolStateError,
  SystemFailedError,
  systemMachine,
  type CloseOptions,
  type Pool,
  type SystemState,
} from '@troupe/core';
import type { TestTask } from '../behaviour.js';
import { legalChanges, topLevelStates } from '../coverage/machine-edges.js';
import { seededRandom } from '../seeded-random.js';
import { createTestClock, type TestClock } from '../test-clock.js';
import { PoolUnderTest } from './pool-under-test.js';
import { systemLimits, type CheckedSystemSpec, type MakeSystem } from './system-config.js';
import { track, type Tracked } from './task-record.js';
import { describeError, Violation, type Guarantee } from './violation.js';

let legal: { changes: ReadonlySet<string>; states: ReadonlySet<string> } | undefined;
const lifecycle = (): { changes: ReadonlySet<string>; states: ReadonlySet<string> } =>
  (legal ??= { changes: legalChanges(systemMachine), states: topLevelStates(systemMachine) });

/**
 * One run of a system check: the system the user's `makeSystem` made from the spec, each pool
 * given a scripted worker and watched as `checkPool` watches a pool; the system's own lifecycle,
 * its restarts of failed pools within its limits, and its close.
 */
export class SystemUnderTest {
  readonly clock: TestClock = createTestClock();
  readonly system: ReturnType<MakeSystem>;
  /** Each pool, by name, watched. */
  readonly pools = new Map<string, PoolUnderTest>();
  readonly starts: Tracked<void>[] = [];
  readonly closes: Tracked<void>[] = [];
  state: SystemState = 'stopped';
  closeCalled = false;
  /** Times the system decided to restart a failed pool. */
  readonly decisions: number[] = [];
  readonly #failedPools = new Set<string>();
  readonly #problems: Violation[] = [];

  constructor(
    make: MakeSystem,
    readonly spec: CheckedSystemSpec,
    readonly randomSeed: number,
    inspect?: (event: InspectionEvent) => void,
  ) {
    const entries: Record<string, unknown> = {};
    for (const [name, options] of Object.entries(spec.pools)) {
      const { worker: _ignored, ...rest } = options;
      const put = new PoolUnderTest(rest, randomSeed, this.clock);
      this.pools.set(name, put);
      entries[name] = { ...rest, worker: put.worker };
    }
    this.system = make({
      ...spec,
      pools: entries as never,
      clock: this.clock,
      random: seededRandom(randomSeed),
      ...(inspect === undefined ? {} : { inspect }),
    });
    for (const [name, put] of this.pools) {
      // The spec's pool names are not known to the type here: any name of it is a pool.
      const system = this.system as unknown as { pool(name: string): Pool<TestTask, number> };
      put.attach(system.pool(name));
    }
    this.#observe();
  }

  problem(guarantee: Guarantee, detail: string): void {
    this.#problems.push(new Violation(guarantee, detail, this.clock.now()));
  }

  /** Throws the first problem of the system or of any of its pools. */
  throwIfProblem(): void {
    const first = this.#problems[0];
    if (first !== undefined) throw first;
    for (const put of this.pools.values()) put.throwIfProblem();
  }

  /** Tells every pool what the system did to all of them (a close, a hard one, a failure). */
  #toPools(what: { closed?: boolean; closedHard?: boolean }): void {
    for (const put of this.pools.values()) {
      if (what.closed === true) put.happened.closed = true;
      if (what.closedHard === true) put.happened.closedHard = true;
    }
  }

  #observe(): void {
    const { changes, states } = lifecycle();
    const { maxRestarts, withinMs } = systemLimits(this.spec);
    const recent = (now: number): number => this.decisions.filter((t) => t > now - withinMs).length;
    let last: SystemState | undefined;
    this.system.state$.subscribe((state) => {
      if (!states.has(state)) this.problem('legal-states', `system state$ told '${state}'`);
      else if (last !== undefined && last !== state && !changes.has(`${last}>${state}`))
        this.problem(
          'legal-states',
          `the system went from '${last}' to '${state}': no transition of the system machine does`,
        );
      last = this.state = state;
    });
    this.system.events$.subscribe((event) => {
      const now = this.clock.now();
      if (event.type === 'pool.state' && event.state === 'failed')
        this.#failedPools.add(event.pool);
      if (event.type === 'pool.restarting' && this.#failedPools.delete(event.pool)) {
        this.decisions.push(now);
        if (recent(now) > maxRestarts)
          this.problem(
            'restarts',
            `the system restarted failed pools ${recent(now)} times within ${withinMs} ms: more than maxRestarts ${maxRestarts}`,
          );
      }
      if (event.type === 'system.failed') {
        // A failed system closes every member.
        this.#toPools({ closed: true, closedHard: true });
        if (recent(now) < maxRestarts)
          this.problem(
            'restarts',
            `the system gave up after ${recent(now)} restarts within ${withinMs} ms: fewer than maxRestarts ${maxRestarts}`,
          );
      }
    });
  }

  // ---- what the steps do ------------------------------------------------------------------

  start(): void {
    try {
      this.starts.push(track(this.system.start()));
    } catch (error) {
      this.problem('api', `system.start() threw ${describeError(error)}: it returns a promise`);
    }
  }

  close(options: CloseOptions): Promise<void> | undefined {
    this.closeCalled = true;
    const hard = options.abort === true || options.timeoutMs !== undefined;
    this.#toPools({ closed: true, closedHard: hard });
    try {
      const closing = this.system.close(options);
      this.closes.push(track(closing));
      return closing;
    } catch (error) {
      this.problem('api', `system.close() threw ${describeError(error)}`);
      return undefined;
    }
  }

  async advance(ms: number): Promise<void> {
    try {
      await this.clock.advance(ms);
    } catch (error) {
      this.problem('defect', `a timer threw ${describeError(error)}`);
    }
  }

  /** Whether a rejection of `system.start()` is one it documents. */
  static startRejection(error: unknown): boolean {
    return error instanceof SystemFailedError || error instanceof PoolStateError;
  }
}
