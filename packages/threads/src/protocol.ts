/**
 * The main side of the wire protocol between a `ThreadLink` and `thread-runtime.mjs` (which
 * describes the messages in full): its constants, shared with the thread from
 * `protocol-constants.mjs`, and errors as plain data.
 */
export {
  ERROR,
  INDEX_MASK,
  LIMIT,
  OK,
  REQUEST_SLOTS,
  RESULT_SLOTS,
  REVOKED,
  RUN_LENGTH,
  RUN_STARTED,
  RUNNING_NOW,
  STARTED,
  THROWN,
  TRANSFER,
} from './protocol-constants.mjs';

/**
 * An Error as plain data. A structured clone keeps an Error's message and stack but not its
 * name when that is not a built-in one (`class Boom extends Error` arrives as `Error`), nor
 * its `code`: so both sides send these fields themselves.
 */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly code?: string | number;
}

const BUILT_IN: Record<string, ErrorConstructor> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/** An Error from the thread back as an Error, of its built-in class where it had one. */
export function fromWire(wire: WireError): Error {
  const error = new (BUILT_IN[wire.name] ?? Error)(wire.message);
  if (error.name !== wire.name) error.name = wire.name;
  if (wire.stack !== undefined) error.stack = wire.stack;
  if (wire.code !== undefined) (error as Error & { code?: unknown }).code = wire.code;
  return error;
}

/** An abort reason as something that survives the trip: wire data for an Error, a primitive as it is, text for anything else. */
export function reasonToWire(reason: unknown): unknown {
  if (reason instanceof Error) {
    const wire: { name: string; message: string; stack?: string } = {
      name: reason.name,
      message: reason.message,
    };
    if (reason.stack !== undefined) wire.stack = reason.stack;
    return wire;
  }
  if (typeof reason === 'symbol' || typeof reason === 'function') return reason.toString();
  if (reason === null || typeof reason !== 'object') return reason;
  try {
    return JSON.stringify(reason);
  } catch {
    return Object.prototype.toString.call(reason);
  }
}
