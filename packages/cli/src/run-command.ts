import { CliError, describeError, EXIT } from './cli-error.js';
import {
  findServeDashboard,
  parsePort,
  serveDashboardOf,
  type ServedDashboard,
} from './dashboard.js';
import { startLiveView, type ViewStream } from './live-view.js';
import { loadModule } from './load-module.js';
import { findTarget, makeTarget, type RunTarget } from './run-target.js';
import { summaryLines } from './summary.js';

/** `troupe run`'s options. */
export interface RunOptions {
  /** `--dashboard [port]`. */
  readonly dashboard?: true | string;
  /** `--plain`: plain lines even on a terminal. */
  readonly plain?: boolean;
}

/** How a run ended, before its close. */
type Ending =
  | { readonly kind: 'done' }
  | { readonly kind: 'failed'; readonly error: unknown; readonly what: string }
  | { readonly kind: 'interrupted' };

/**
 * `troupe run <module>`: loads the module, makes its target (a system from a spec, or the system
 * or pool it made), starts it with a live view, calls its `run(system)` workload if it has one,
 * and closes it when the workload is done (without one: at Ctrl-C). Ctrl-C closes gracefully (a
 * drain); a second aborts what is left. Resolves with the exit code: 0 done, 1 failed (the
 * target, the workload), 130 interrupted.
 */
export async function runCommand(path: string, options: RunOptions): Promise<number> {
  const port = options.dashboard === undefined ? undefined : parsePort(options.dashboard);
  const serve = options.dashboard === undefined ? undefined : await findServeDashboard();
  const module = await loadModule(path);
  const found = findTarget(module);
  const workload = module.exports.run;
  if (workload !== undefined && typeof workload !== 'function')
    throw new CliError(
      `${path}: its export \`run\` is ${typeof workload}, not a function: it should be the workload, run(system) => Promise`,
    );
  const target = makeTarget(module, found);
  const stream: ViewStream =
    options.plain === true ? { write: (t) => process.stdout.write(t) } : process.stdout;

  let interrupts = 0;
  let interrupted!: () => void;
  const interruption = new Promise<Ending>((resolve) => {
    interrupted = () => resolve({ kind: 'interrupted' });
  });
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      view.note('Ctrl-C: closing (tasks in flight finish); Ctrl-C again to abort them');
      interrupted();
    } else if (interrupts === 2) {
      view.note('Ctrl-C again: aborting what is left');
      void target.close({ abort: true }).catch(() => undefined);
    } else process.exit(EXIT.interrupted);
  };
  process.on('SIGINT', onSigint);

  // Its state says when it ends by itself: failed, or closed by the module's own code.
  let ended!: (ending: Ending) => void;
  const endedByItself = new Promise<Ending>((resolve) => (ended = resolve));
  let wasRunning = false;
  const unwatch = target.watch((state) => {
    if (state === 'running') wasRunning = true;
    else if (state === 'failed')
      ended({
        kind: 'failed',
        error: target.failure(),
        what: `${target.kind} '${target.name}' failed`,
      });
    else if (state === 'stopped' && wasRunning) ended({ kind: 'done' });
  });

  process.stdout.write(`${target.kind} '${target.name}' from ${path}: starting\n`);
  const starting = target.start();
  const view = startLiveView(target, stream);
  let dashboard: ServedDashboard | undefined;
  let ending = await Promise.race([
    interruption,
    endedByItself,
    starting.then(
      (): Ending => ({ kind: 'done' }),
      (error: unknown): Ending => ({
        kind: 'failed',
        error,
        what: `${target.kind} '${target.name}' failed to start`,
      }),
    ),
  ]);
  if (ending.kind === 'done') {
    view.note(`${target.kind} '${target.name}' running`);
    try {
      if (serve !== undefined) dashboard = await serveDashboardOf(serve, target, port, view.note);
      ending = await Promise.race([
        interruption,
        endedByItself,
        runWorkload(workload, target, view.note),
      ]);
    } catch (error) {
      ending = { kind: 'failed', error, what: 'the dashboard could not be served' };
    }
  }
  if (ending.kind === 'done') view.note(`closing ${target.kind} '${target.name}'`);
  await target.close().catch(() => undefined);
  unwatch();
  await dashboard?.close().catch(() => undefined);
  view.stop();
  process.off('SIGINT', onSigint);

  const outcome =
    ending.kind === 'done'
      ? 'done'
      : ending.kind === 'interrupted'
        ? 'interrupted (Ctrl-C)'
        : ending.what;
  for (const line of summaryLines(target, outcome)) process.stdout.write(`${line}\n`);
  if (ending.kind === 'failed') {
    process.stderr.write(`troupe: ${ending.what}: ${describeError(ending.error)}\n`);
    return EXIT.failed;
  }
  return ending.kind === 'interrupted' ? EXIT.interrupted : EXIT.ok;
}

/** The module's workload, if any: done when it resolves, failed when it throws; without one, never done (until Ctrl-C). */
function runWorkload(
  workload: unknown,
  target: RunTarget,
  note: (line: string) => void,
): Promise<Ending> {
  if (typeof workload !== 'function') {
    note('no run(system) export: running until Ctrl-C');
    return new Promise<Ending>(() => undefined);
  }
  return Promise.resolve()
    .then(() => (workload as (handle: unknown) => unknown)(target.handle))
    .then(
      (): Ending => ({ kind: 'done' }),
      (error: unknown): Ending => ({
        kind: 'failed',
        error,
        what: 'the workload run(system) threw',
      }),
    );
}
