// @ts-check
/**
 * Errors across the wire, the thread's side of them (`protocol.ts` has the main side's). A
 * structured clone keeps an Error's message and stack but not its name when that is not a
 * built-in one, nor its `code`: so errors travel as plain data that keeps them.
 */

/**
 * @typedef {{ name: string, message: string, stack?: string, code?: string | number }} WireError
 */

/**
 * An Error (or anything thrown) as plain data that survives a structured clone intact.
 *
 * @param {Error & { code?: unknown }} error
 * @returns {WireError}
 */
export function toWire(error) {
  /** @type {WireError} */
  const wire = { name: String(error.name), message: String(error.message) };
  if (typeof error.stack === 'string') wire.stack = error.stack;
  const code = error.code;
  if (typeof code === 'string' || typeof code === 'number') wire.code = code;
  return wire;
}

/**
 * A wire error from the main side back as an Error (an abort reason); anything else as it is.
 *
 * @param {unknown} reason
 */
export function fromWire(reason) {
  if (reason === null || typeof reason !== 'object') return reason;
  const { name, message, stack } = /** @type {WireError} */ (reason);
  const error = new Error(message);
  error.name = name;
  if (stack !== undefined) error.stack = stack;
  return error;
}
