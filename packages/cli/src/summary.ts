import { figuresOf } from './pool-figures.js';
import type { RunTarget } from './run-target.js';

/**
 * The final report of a run: the target's end state, then each pool's totals — submitted, and
 * how each task ended (every task counted once, by its outcome) — and its workers' restarts.
 */
export function summaryLines(target: RunTarget, outcome: string): string[] {
  const lines = [`${target.kind} '${target.name}': ${outcome} (now ${target.state()})`];
  for (const pool of target.pools().values()) {
    const f = figuresOf(pool);
    lines.push(
      `  ${f.name}: ${f.submitted} submitted: ${f.completed} completed, ${f.failed} failed, ` +
        `${f.cancelled} cancelled, ${f.queued + f.running} unfinished; ${f.rejected} rejected at the door; ` +
        `${f.restarts} restarts`,
    );
  }
  return lines;
}
