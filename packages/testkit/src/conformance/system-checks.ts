import { NeverSettlesError, TimersKeepReschedulingError } from '../test-clock-errors.js';
import { checkClosed, checkStep } from './pool-checks.js';
import { SystemUnderTest } from './system-under-test.js';
import { track } from './task-record.js';
import { describeError } from './violation.js';

/** After each step: each pool's checks, and the system's start promises. */
export async function checkSystemStep(sut: SystemUnderTest): Promise<void> {
  await sut.advance(0);
  sut.throwIfProblem();
  for (const put of sut.pools.values()) await checkStep(put);
  for (const s of sut.starts) {
    if (s.rejected && !SystemUnderTest.startRejection(s.error))
      sut.problem('api', `system.start() rejected with ${describeError(s.error)}`);
  }
  sut.throwIfProblem();
}

/**
 * Ends a system run: closes it (a drain when every task left ends by itself, else an abort)
 * and runs the clock until the close settles; then the system and every pool are `stopped`,
 * every task settled exactly once, no timer is left but the tasks' own, and `start()` refuses.
 */
export async function finishSystemRun(sut: SystemUnderTest, maxSteps: number): Promise<void> {
  await checkSystemStep(sut);
  const pools = [...sut.pools.values()];
  const drain = pools.every((put) =>
    put.accepted.every((r) => r.outcome !== undefined || r.finite),
  );
  const closing = sut.close(drain ? {} : { abort: true });
  sut.throwIfProblem();
  try {
    await sut.clock.runUntilSettled(closing ?? Promise.resolve(), { maxSteps });
  } catch (error) {
    if (!(error instanceof NeverSettlesError || error instanceof TimersKeepReschedulingError)) {
      sut.problem('defect', `a timer threw ${describeError(error)}`);
    } else {
      const states = [...sut.pools].map(([name, put]) => `${name} ${put.state}`).join(', ');
      sut.problem(
        'close',
        `system.close(${drain ? '' : '{ abort: true }'}) never settled, the system ${sut.state} (pools: ${states}): ${describeError(error)}`,
      );
    }
    sut.throwIfProblem();
  }
  await sut.clock.flush();
  if (sut.state !== 'stopped')
    sut.problem('close', `the close resolved, but the system is ${sut.state}`);
  for (const put of pools) await checkClosed(put);
  for (const s of [...sut.starts, ...sut.closes])
    if (s.settled !== 1)
      sut.problem('close', `a start() or close() promise settled ${s.settled} times`);
  const own = new Set(pools.flatMap((put) => [...put.ownTimers]));
  const timers = sut.clock.timers().filter((t) => !own.has(t.handle));
  if (timers.length > 0)
    sut.problem(
      'close',
      `closed, yet ${timers.length} timer(s) of the system are pending: ${timers.map((t) => t.label).join('; ')}`,
    );
  const again = track(sut.system.start());
  await sut.clock.flush();
  if (!again.rejected || !SystemUnderTest.startRejection(again.error))
    sut.problem(
      'api',
      `system.start() after the close ${again.rejected ? `rejected with ${describeError(again.error)}` : 'did not reject'}: a closed system is done for good`,
    );
  sut.throwIfProblem();
}
