/**
 * `serveDashboard`'s options, checked once: a bad one throws `InvalidOptionError` naming it, the
 * value and what is allowed.
 */
import { randomBytes } from 'node:crypto';
import { InvalidOptionError, rejectUnknownOptions, systemClock, type Clock } from '@troupe/core';

/** How `serveDashboard` serves. */
export interface DashboardOptions {
  /**
   * The interface to listen on. Anything but loopback lets other machines read the page (the
   * controls still need the token).
   * @default '127.0.0.1'
   */
  readonly host?: string;
  /**
   * The port; `0` picks a free one (read it from the handle's `url`).
   * @default 0
   */
  readonly port?: number;
  /**
   * The token the controls (pause, resume, resize, close) require. At least 16 characters.
   * @default 32 random hexadecimal characters, new at each start
   */
  readonly token?: string;
  /**
   * Metric samples kept per pool and balancer for the charts (one a metrics tick: 300 is five
   * minutes at the default interval of a second).
   * @default 300
   */
  readonly history?: number;
  /**
   * Entries kept in the event log (repeats of the last entry are counted, not added).
   * @default 500
   */
  readonly logSize?: number;
  /**
   * Pages connected at once; more are answered 503.
   * @default 16
   */
  readonly maxClients?: number;
  /**
   * How machines are drawn: `'svg'` lays them out with Graphviz's `dot` (which must be on PATH),
   * `'list'` lists their states and transitions, `'auto'` draws SVG when `dot` is there.
   * @default 'auto'
   */
  readonly charts?: 'auto' | 'svg' | 'list';
  /**
   * Stamps the event log (its times are shown from the dashboard's start). Pass the clock of the
   * pools when they run on a virtual one.
   * @default systemClock
   */
  readonly clock?: Clock;
}

/** The options, checked and with their defaults. */
export interface DashboardConfig {
  readonly host: string;
  readonly port: number;
  readonly token: string;
  readonly history: number;
  readonly logSize: number;
  readonly maxClients: number;
  readonly charts: 'auto' | 'svg' | 'list';
  readonly clock: Clock;
}

const KNOWN = ['host', 'port', 'token', 'history', 'logSize', 'maxClients', 'charts', 'clock'];

export function resolveDashboardOptions(options: DashboardOptions | undefined): DashboardConfig {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('options', options, `an object { ${KNOWN.join('?, ')}? }`);
  }
  rejectUnknownOptions('', options, KNOWN);
  const { host = '127.0.0.1', port = 0, history = 300, logSize = 500 } = options;
  const { maxClients = 16, charts = 'auto', clock = systemClock } = options;
  if (typeof host !== 'string' || host === '' || /[\s/]/.test(host)) {
    throw new InvalidOptionError('host', host, "a host name or address ('127.0.0.1', '::1')");
  }
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new InvalidOptionError('port', port, 'an integer from 0 (any free port) to 65535');
  }
  const token = options.token ?? randomBytes(16).toString('hex');
  if (typeof token !== 'string' || token.length < 16 || !/^[\x21-\x7e]+$/.test(token)) {
    throw new InvalidOptionError(
      'token',
      token,
      'a string of at least 16 printable ASCII characters, no spaces',
    );
  }
  checkCount('history', history, 2, 100_000);
  checkCount('logSize', logSize, 1, 100_000);
  checkCount('maxClients', maxClients, 1, 1_000);
  if (charts !== 'auto' && charts !== 'svg' && charts !== 'list') {
    throw new InvalidOptionError('charts', charts, "'auto', 'svg' or 'list'");
  }
  if (typeof clock !== 'object' || clock === null || typeof clock.now !== 'function') {
    throw new InvalidOptionError('clock', clock, 'a Clock ({ now, setTimeout, clearTimeout })');
  }
  return { host, port, token, history, logSize, maxClients, charts, clock };
}

function checkCount(option: string, value: unknown, min: number, max: number): void {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    throw new InvalidOptionError(option, value, `an integer from ${min} to ${max}`);
  }
}
