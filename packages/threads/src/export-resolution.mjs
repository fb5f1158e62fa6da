// @ts-check
/**
 * How an export of a loaded worker module resolves to the function a run calls: the namespace's
 * own export, else (CommonJS) a property of `module.exports`; the function itself or the one under
 * its `default`; a promise of either (awaited once, by the caller). And the names a run may call,
 * and the words for an export that is none of these.
 */
import { href } from './thread-wiring.mjs';

/**
 * @typedef {import('./thread-task-context.mjs').ThreadTaskContext} ThreadTaskContext
 * @typedef {(input: unknown, ctx: ThreadTaskContext) => unknown} Handler
 * @typedef {Record<string, unknown>} Namespace
 */

/**
 * @param {unknown} value
 * @returns {value is PromiseLike<unknown>}
 */
export function isThenable(value) {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (/** @type {{ then?: unknown }} */ (value).then) === 'function'
  );
}

/**
 * The export `name` of a loaded module: the namespace's own, else (CommonJS) the property of
 * `module.exports` that Node did not list as a named export (it is the namespace's `default`).
 *
 * @param {Namespace} namespace
 * @param {string} name
 */
export function exportOf(namespace, name) {
  if (name in namespace) return namespace[name];
  const cjs = namespace.default;
  return isPropertyBag(cjs) && name in cjs ? cjs[name] : undefined;
}

/**
 * A default export whose properties may be exports (CommonJS `module.exports`), not a promise.
 *
 * @param {unknown} value
 * @returns {value is Namespace}
 */
function isPropertyBag(value) {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    !isThenable(value)
  );
}

/**
 * A function to run from an export's value: the function itself, or the function under its
 * `default` — TypeScript's CommonJS (`exports.default = fn`, with `__esModule`), which Node
 * shows as `default: { __esModule, default: fn }`, or an awaited `import()` namespace.
 *
 * @param {unknown} value
 * @returns {Handler | undefined}
 */
export function handlerOf(value) {
  if (typeof value === 'function') return /** @type {Handler} */ (value);
  if (value !== null && typeof value === 'object') {
    const inner = /** @type {{ default?: unknown }} */ (value).default;
    if (typeof inner === 'function') return /** @type {Handler} */ (inner);
  }
  return undefined;
}

/** The names a run can call: the module's exports (and a CommonJS module's properties) that are, or may become, functions. */
/** @param {Namespace} namespace */
export function callableNames(namespace) {
  /** @type {Set<string>} */
  const names = new Set();
  const add = (/** @type {Namespace} */ source) => {
    for (const name of Object.keys(source)) {
      if (name === '__esModule') continue;
      const value = source[name];
      if (handlerOf(value) !== undefined || isThenable(value)) names.add(name);
    }
  };
  add(namespace);
  const cjs = namespace.default;
  if (isPropertyBag(cjs)) add(cjs);
  return [...names];
}

/** All the names a module exports, for an error message. */
/** @param {Namespace} namespace */
export function exportNames(namespace) {
  const names = new Set(Object.keys(namespace));
  const cjs = namespace.default;
  if (isPropertyBag(cjs)) {
    for (const name of Object.keys(cjs)) if (name !== '__esModule') names.add(name);
  }
  return names.size > 0 ? [...names].join(', ') : 'none';
}

/** @param {unknown} value */
export function describe(value) {
  return value === null ? 'null' : typeof value;
}

/**
 * @param {string} name
 * @param {unknown} value
 * @param {boolean} awaited
 */
export function notAFunction(name, value, awaited) {
  return new TypeError(
    `worker module ${href} cannot be used: its export '${name}' ${awaited ? 'resolved to' : 'is'} ${describe(value)}, not a function`,
  );
}
