import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import {
  figuresKey,
  figuresLine,
  figuresOf,
  workersText,
  type PoolFigures,
} from './pool-figures.js';
import type { RunTarget } from './run-target.js';

/** The terminal view of a running target: started, refreshed on its own timer, stopped. */
export interface LiveView {
  /** Prints a line of its own between the view's updates (a state change, a message). */
  note(this: void, line: string): void;
  /** Draws the figures one last time and stops refreshing. */
  stop(this: void): void;
}

/** Where the view writes: stdout, or a stand-in in tests. */
export interface ViewStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * A live view of `target`'s pools: on a terminal, a progress bar per pool (cli-progress) of the
 * settled share of what was submitted, with the pool's state, queue, workers and restarts, redrawn
 * every `refreshMs`; elsewhere (a pipe, a file, CI), a plain line per pool whenever its figures
 * changed, at most every `plainEveryMs`.
 */
export function startLiveView(
  target: RunTarget,
  stream: ViewStream,
  { refreshMs = 200, plainEveryMs = 1_000 }: { refreshMs?: number; plainEveryMs?: number } = {},
): LiveView {
  return stream.isTTY === true
    ? barsView(target, stream, refreshMs)
    : plainView(target, stream, plainEveryMs);
}

const settled = (f: PoolFigures): number => f.completed + f.failed + f.cancelled;

function barPayload(f: PoolFigures) {
  return {
    pool: f.name.padEnd(12),
    state: f.state,
    failed: f.failed,
    queued: f.queued,
    running: f.running,
    workers: workersText(f.workers),
    restarts: f.restarts,
  };
}

function barsView(target: RunTarget, stream: ViewStream, refreshMs: number): LiveView {
  const bars = new MultiBar(
    {
      stream: stream as NodeJS.WritableStream,
      format:
        '{pool} {bar} {value}/{total} | {failed} failed | {queued} queued | {running} running | {workers} | {restarts} restarts | {state}',
      barsize: 16,
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      autopadding: true,
      forceRedraw: true,
      noTTYOutput: false,
      fps: Math.max(1, Math.round(1000 / refreshMs)),
    },
    Presets.shades_classic,
  );
  const byPool = new Map<string, SingleBar>();
  const draw = () => {
    for (const [name, pool] of target.pools()) {
      const f = figuresOf(pool);
      let bar = byPool.get(name);
      if (bar === undefined) {
        bar = bars.create(Math.max(1, f.submitted), settled(f), barPayload(f));
        byPool.set(name, bar);
      }
      bar.setTotal(Math.max(1, f.submitted));
      bar.update(settled(f), barPayload(f));
    }
  };
  draw();
  const timer = setInterval(draw, refreshMs);
  return {
    note: (line) => bars.log(`${line}\n`),
    stop: () => {
      clearInterval(timer);
      draw();
      bars.stop();
    },
  };
}

function plainView(target: RunTarget, stream: ViewStream, everyMs: number): LiveView {
  const last = new Map<string, string>();
  const print = () => {
    for (const [name, pool] of target.pools()) {
      const f = figuresOf(pool);
      const key = figuresKey(f);
      if (last.get(name) === key) continue;
      last.set(name, key);
      stream.write(`${figuresLine(f)}\n`);
    }
  };
  print();
  const timer = setInterval(print, everyMs);
  return {
    note: (line) => stream.write(`${line}\n`),
    stop: () => clearInterval(timer),
  };
}
