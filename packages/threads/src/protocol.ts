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
  TRACED,
  TRANSFER,
} from './protocol-constants.mjs';
import { INDEX_MASK, RUNNING_NOW, STARTED } from './protocol-constants.mjs';

/**
 * The `Int32Array` a link shares with its thread (see `protocol-constants.mjs`): a slot for every
 * index of the run table, since runs left behind by a timeout stay in it beside the lanes' new
 * ones (it can hold more than `concurrency`). No run in progress, none measured yet (-1).
 */
export function sharedArray(): Int32Array {
  const wake = new Int32Array(new SharedArrayBuffer(4 * (STARTED + INDEX_MASK + 1)));
  wake.fill(-1, RUNNING_NOW);
  return wake;
}

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

/**
 * A message from the thread that is no batch of answers: it loaded the worker module
 * (`ready`, with the names a run may call), or it cannot use it (`failed`; `fatal`: a new thread
 * would fail the same way).
 */
export interface ControlMessage {
  readonly ready?: true;
  readonly exports?: readonly string[];
  readonly failed?: WireError;
  readonly fatal?: boolean;
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
