// @ts-check
/**
 * Loading the worker module in the thread: it is imported (seeing the pool's `workerData` option
 * as Node's own `workerData`), and the export the pool runs resolved to a function (see
 * `export-resolution.mjs`; a promise is awaited once). What cannot be loaded or used is told to
 * the link as `{ failed: wireError, fatal }` (`fatal`: a new thread would fail the same way),
 * and the port closes: the thread then ends.
 */
import { syncBuiltinESMExports } from 'node:module';
import threads from 'node:worker_threads';
import { describe, exportNames, exportOf, handlerOf, isThenable } from './export-resolution.mjs';
import { data, exportName, href, port } from './thread-wiring.mjs';
import { toWire } from './wire-errors.mjs';

/**
 * @typedef {import('./export-resolution.mjs').Handler} Handler
 * @typedef {import('./export-resolution.mjs').Namespace} Namespace
 * @typedef {import('./wire-errors.mjs').WireError} WireError
 */

/**
 * What a module that cannot be loaded failed with, by `code`: it cannot be found or resolved.
 * A new thread would fail the same way; so would one for a module that does not parse
 * (`SyntaxError`) or lacks the export. A module whose own top-level code throws may do better
 * on a restart (a file or a service not there yet): that failure is not marked fatal.
 */
const NOT_LOADABLE = new Set([
  'ERR_MODULE_NOT_FOUND',
  'MODULE_NOT_FOUND',
  'ERR_UNSUPPORTED_DIR_IMPORT',
  'ERR_UNKNOWN_FILE_EXTENSION',
  'ERR_UNSUPPORTED_ESM_URL_SCHEME',
  'ERR_INVALID_URL',
  'ERR_INVALID_MODULE_SPECIFIER',
  'ERR_INVALID_PACKAGE_CONFIG',
  'ERR_PACKAGE_PATH_NOT_EXPORTED',
  'ERR_PACKAGE_IMPORT_NOT_DEFINED',
  'ERR_REQUIRE_ESM',
  'ERR_UNKNOWN_MODULE_FORMAT',
]);

/**
 * The worker module's namespace and the handler of the pool's export; `undefined` once the
 * link has been told why there are none.
 *
 * @returns {Promise<{ namespace: Namespace, handler: Handler } | undefined>}
 */
export async function loadWorkerModule() {
  // The worker module sees the pool's `workerData` option as Node's own `workerData`, not this
  // runtime's wiring: the builtin's export is replaced, and its ESM bindings synced, before the
  // module is imported.
  /** @type {{ workerData: unknown }} */ (threads).workerData = data;
  syncBuiltinESMExports();
  /** @type {Namespace} */
  let namespace;
  try {
    namespace = await import(href);
  } catch (error) {
    const cause =
      error instanceof Error ? toWire(error) : { name: 'Error', message: String(error) };
    const code = /** @type {{ code?: unknown } | null | undefined} */ (error)?.code;
    const fatal =
      error instanceof SyntaxError || (typeof code === 'string' && NOT_LOADABLE.has(code));
    refuse({ ...cause, message: `cannot load worker module ${href}: ${cause.message}` }, fatal);
    return undefined;
  }
  const value = exportOf(namespace, exportName);
  let candidate = value;
  if (isThenable(value)) {
    // A promise of a handler (an async factory's result): awaited once, here.
    try {
      candidate = await value;
    } catch (error) {
      const failed =
        error instanceof Error ? toWire(error) : { name: 'Error', message: String(error) };
      refuse(
        {
          ...failed,
          message: `worker module ${href} cannot be used: its export '${exportName}' is a promise that rejected: ${failed.message}`,
        },
        false,
      );
      return undefined;
    }
  }
  const handler = handlerOf(candidate);
  if (handler !== undefined) return { namespace, handler };
  const found =
    value === undefined && !(exportName in namespace)
      ? `it has no export '${exportName}' (its exports: ${exportNames(namespace)})`
      : `its export '${exportName}' ${candidate === value ? 'is' : 'resolved to'} ${describe(candidate)}`;
  refuse(
    {
      name: 'TypeError',
      message: `worker module ${href} cannot be used: ${found}; the option \`export\` must name a function exported by the module`,
    },
    true,
  );
  return undefined;
}

/**
 * Tells the main side why the module cannot be used, and ends. `fatal`: a new thread would fail the same way.
 *
 * @param {WireError} failed
 * @param {boolean} fatal
 */
function refuse(failed, fatal) {
  port.postMessage({ failed, fatal });
  port.close();
}
