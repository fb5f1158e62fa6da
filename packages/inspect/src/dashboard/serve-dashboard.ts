/**
 * `serveDashboard`: a live web page of a pool, a balancer or a system — its actor tree and
 * states, its machines' charts with the current states highlighted, metric charts over the last
 * minutes, an event log, and controls that need a token.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DashboardModel } from './dashboard-model.js';
import { resolveDashboardOptions, type DashboardOptions } from './dashboard-options.js';
import { allowedHosts, dashboardRoutes } from './dashboard-routes.js';
import { ACTIONS, SYSTEM_POOL_ACTIONS } from './control-actions.js';
import type { ControlContext } from './controls.js';
import { classifyTarget, type DashboardTarget } from './dashboard-target.js';
import { drawCharts, type MachineName } from './machine-charts.js';
import { pageHtml } from './page-html.js';
import { frame, SseHub } from './sse-hub.js';
import { watchBalancer } from './watch-balancer.js';
import { watchPool } from './watch-pool.js';
import { watchSystem } from './watch-system.js';

/** A running dashboard. */
export interface DashboardHandle {
  /** Where the page is (`http://127.0.0.1:<port>/`). */
  readonly url: string;
  /** The token the controls need: give it in the page's token field, or open `url#token=<token>`. */
  readonly token: string;
  /**
   * Ends every page's stream, stops listening and unsubscribes from every stream of the target;
   * resolves once the server is closed. Calling it again returns the same promise. The target
   * itself is left running.
   */
  close(): Promise<void>;
}

const CHARTS: Record<'pool' | 'balancer' | 'system', MachineName[]> = {
  pool: ['pool', 'worker'],
  balancer: ['health'],
  system: ['system', 'pool', 'worker', 'health'],
};

/**
 * Serves a live dashboard of `target` (a pool, a balancer or a system) on `127.0.0.1` (the
 * `host` option), at a free port unless `port` says one. Resolves once it listens. Throws
 * `InvalidOptionError` at once for a bad option or target.
 *
 * @example
 * ```ts
 * const dashboard = await serveDashboard(system, { port: 8080 });
 * console.log(`${dashboard.url}#token=${dashboard.token}`);
 * // …
 * await dashboard.close();
 * ```
 */
export function serveDashboard(
  target: DashboardTarget,
  options?: DashboardOptions,
): Promise<DashboardHandle> {
  const config = resolveDashboardOptions(options);
  const known = classifyTarget(target);
  return (async () => {
    const charts = await drawCharts(CHARTS[known.kind], config.charts);
    const hub = new SseHub(config.maxClients);
    const model = new DashboardModel(config, (change) => hub.send(change.type, change));
    let stop: () => void;
    let pool: ControlContext['pool'];
    switch (known.kind) {
      case 'pool': {
        const watch = watchPool(known.pool, model, {
          parent: null,
          ownMetrics: true,
          actions: ACTIONS,
        });
        stop = () => watch.stop();
        pool = (name) =>
          name === known.pool.name ? { pool: known.pool, actions: ACTIONS } : undefined;
        break;
      }
      case 'balancer': {
        const watch = watchBalancer(known.balancer, model, { parent: null, alone: true });
        stop = () => watch.stop();
        pool = () => undefined;
        break;
      }
      case 'system': {
        const watch = watchSystem(known.system, model);
        stop = () => watch.stop();
        pool = (name) => {
          const found = watch.pool(name);
          return found === undefined ? undefined : { pool: found, actions: SYSTEM_POOL_ACTIONS };
        };
        break;
      }
    }
    const page = {
      name: target.name,
      kind: known.kind,
      history: config.history,
      logSize: config.logSize,
    };
    const server = createServer(
      dashboardRoutes({
        page: (nonce) => pageHtml(page, charts, nonce),
        hub,
        first: () => frame('snapshot', { ...page, ...model.snapshot() }),
        controls: { token: config.token, pool, log: model.log },
        hosts: allowedHosts(config.host),
      }),
    );
    try {
      await listen(server, config.port, config.host);
    } catch (error) {
      stop();
      throw error;
    }
    const { port } = server.address() as AddressInfo;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    let closing: Promise<void> | undefined;
    return {
      url: `http://${host}:${port}/`,
      token: config.token,
      close: () =>
        (closing ??= new Promise<void>((resolve) => {
          stop();
          hub.close();
          server.close(() => resolve());
          server.closeAllConnections();
        })),
    };
  })();
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (error: Error): void => reject(error);
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      resolve();
    });
  });
}
