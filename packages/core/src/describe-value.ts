/** Longest text `describeValue` returns: a message stays readable whatever it carries. */
export const DESCRIBE_MAX = 1_000;

/** Longest JSON rendering of a plain object: a glimpse, not a dump. */
const JSON_MAX = 80;

/** What `describeValue` says of a value that resists every way of printing it. */
const UNPRINTABLE = '[unprintable value]';

/**
 * Renders any value briefly for a message, and never throws: task code and options may hand us
 * anything (`null`, a null-prototype object, a Proxy that throws on every trap, an error whose
 * `message` getter throws, a circular `cause` chain), and a message about a failure must not
 * become a second failure. Errors read as `name: message`, strings are quoted, objects are JSON
 * where that works (cut at 80 characters); the result is at most {@link DESCRIBE_MAX} characters.
 */
export function describeValue(value: unknown): string {
  let text: string;
  try {
    text = render(value);
  } catch {
    text = UNPRINTABLE;
  }
  return text.length > DESCRIBE_MAX ? `${text.slice(0, DESCRIBE_MAX - 3)}...` : text;
}

function render(value: unknown): string {
  switch (typeof value) {
    case 'string':
      // Cut before quoting: a huge string costs no huge copy.
      return JSON.stringify(value.length > DESCRIBE_MAX ? value.slice(0, DESCRIBE_MAX) : value);
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `${value.toString()}n`;
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'symbol':
      // Symbol.prototype.toString may be replaced; the description is a plain read.
      return `Symbol(${stringOr(() => value.description, '')})`;
    case 'function':
      return `function ${stringOr(() => (value as { name?: unknown }).name, '') || '(anonymous)'}`;
    default:
      return value === null ? 'null' : renderObject(value as object);
  }
}

function renderObject(value: object): string {
  if (isError(value)) {
    const name = stringOr(() => (value as { name?: unknown }).name, 'Error');
    const message = stringOr(() => (value as { message?: unknown }).message, UNPRINTABLE);
    return message === '' ? name : `${name}: ${message}`;
  }
  try {
    const json = JSON.stringify(value) as string | undefined;
    if (typeof json === 'string')
      return json.length > JSON_MAX ? `${json.slice(0, JSON_MAX - 3)}...` : json;
  } catch {
    // Circular, a BigInt inside, a throwing toJSON or getter, a Proxy: try the tag instead.
  }
  try {
    return Object.prototype.toString.call(value);
  } catch {
    return UNPRINTABLE;
  }
}

/** `instanceof Error`, or `false` when asking throws (a Proxy's `getPrototypeOf` trap). */
function isError(value: object): boolean {
  try {
    return value instanceof Error;
  } catch {
    return false;
  }
}

/** A property read that may throw or give a non-string: `fallback` then. */
function stringOr(read: () => unknown, fallback: string): string {
  try {
    const text = read();
    return typeof text === 'string' ? text : fallback;
  } catch {
    return fallback;
  }
}

/**
 * `value instanceof type`, or `false` when asking throws (a Proxy whose `getPrototypeOf` trap
 * throws): a thrown value must be classified without throwing again.
 */
export function isInstance(
  value: unknown,
  type: abstract new (...args: never[]) => unknown,
): boolean {
  if (typeof value !== 'object' || value === null) return false;
  try {
    return value instanceof type;
  } catch {
    return false;
  }
}
