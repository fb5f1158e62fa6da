/**
 * Values that resist being printed or inspected, for the hostile-use tests: each throws (or
 * has no way) to become a string, and the Proxy throws on every trap.
 */

/** A Proxy whose every trap throws (`typeof` still says `'object'`). */
export function trapProxy(): object {
  const handler = new Proxy(
    {},
    {
      get: () => () => {
        throw new Error('trapped');
      },
    },
  );
  return new Proxy({}, handler);
}

/** An Error whose `message` getter throws. */
export function errorWithThrowingMessage(): Error {
  const error = new Error('hidden');
  Object.defineProperty(error, 'message', {
    get() {
      throw new Error('no message for you');
    },
  });
  return error;
}

/** Two errors, each the other's `cause`. */
export function circularCauses(): Error {
  const a = new Error('a');
  const b = new Error('b', { cause: a });
  (a as { cause?: unknown }).cause = b;
  return a;
}

/** An object whose `toString`, `valueOf` and `toJSON` all throw. */
export function unprintable(): object {
  const no = (): never => {
    throw new Error('cannot print me');
  };
  return { toString: no, valueOf: no, toJSON: no };
}

/** Every hostile thrown value, by name (a fresh set per call). */
export function hostileValues(): [string, unknown][] {
  return [
    ['null', null],
    ['undefined', undefined],
    ['a string', 'plain string'],
    ['a null-prototype object', Object.create(null)],
    ['an object whose toString throws', unprintable()],
    ['an error whose message getter throws', errorWithThrowingMessage()],
    ['a Proxy that throws on every trap', trapProxy()],
    ['a circular cause chain', circularCauses()],
    ['a symbol', Symbol('thrown')],
    ['a bigint', 12n],
  ];
}
