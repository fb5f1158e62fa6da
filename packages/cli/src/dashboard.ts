import { CliError, describeError } from './cli-error.js';
import type { RunTarget } from './run-target.js';

/** A dashboard being served beside a run. */
export interface ServedDashboard {
  close(): Promise<void>;
}

type ServeDashboard = (target: unknown, options: { port?: number }) => unknown;

/** `--dashboard [port]`'s value: no port (`true`: the dashboard's default) or a port number. */
export function parsePort(value: true | string): number | undefined {
  if (value === true) return undefined;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535)
    throw new CliError(
      `--dashboard: the port must be a whole number from 0 to 65535 (got '${value}')`,
    );
  return port;
}

/**
 * `serveDashboard` of `@troupe/inspect`, looked up when the run starts (the dashboard ships in
 * that package): a `CliError` saying what is missing when the package or the function is not there.
 */
export async function findServeDashboard(): Promise<ServeDashboard> {
  let inspect: Record<string, unknown>;
  try {
    inspect = await import('@troupe/inspect');
  } catch (error) {
    throw new CliError(
      `--dashboard needs the package @troupe/inspect, which could not be loaded: ${describeError(error)}`,
    );
  }
  const serve = inspect.serveDashboard;
  if (typeof serve !== 'function')
    throw new CliError(
      '--dashboard needs serveDashboard from @troupe/inspect (the live dashboard), which the installed ' +
        '@troupe/inspect does not have: update it, or run without --dashboard',
    );
  return serve as ServeDashboard;
}

/** Serves the dashboard of `target`; tells where (and its token, if it has one) through `note`. */
export async function serveDashboardOf(
  serve: ServeDashboard,
  target: RunTarget,
  port: number | undefined,
  note: (line: string) => void,
): Promise<ServedDashboard> {
  const served = (await serve(target.handle, port === undefined ? {} : { port })) as
    { url?: unknown; token?: unknown; close?: () => unknown } | undefined;
  if (typeof served?.url === 'string') note(`dashboard: ${served.url}`);
  if (typeof served?.token === 'string')
    note(`dashboard token (for its controls): ${served.token}`);
  return {
    close: async () => {
      if (typeof served?.close === 'function') await served.close();
    },
  };
}
