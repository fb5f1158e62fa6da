/**
 * The checks every option resolver shares: each throws `InvalidOptionError` naming the option,
 * the value and what is allowed.
 */
import { InvalidOptionError } from './errors.js';
import { rejectUnknownOptions } from './reject-unknown-options.js';

/** Throws unless `value` is a whole number ≥ 1. */
export function checkSize(option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new InvalidOptionError(option, value, 'a whole number >= 1');
  }
  return value;
}

/** Throws unless `value` is a number of milliseconds > 0 (`Infinity` only if `allowInfinity`). */
export function checkPositive(option: string, value: unknown, allowInfinity: boolean): number {
  if (
    typeof value !== 'number' ||
    Number.isNaN(value) ||
    value <= 0 ||
    (!allowInfinity && !Number.isFinite(value))
  ) {
    throw new InvalidOptionError(
      option,
      value,
      allowInfinity
        ? 'a number > 0 (milliseconds), or Infinity'
        : 'a finite number > 0 (milliseconds)',
    );
  }
  return value;
}

/** Throws unless `value` is absent or an object (with no key outside `known`, when given). */
export function checkObject(option: string, value: unknown, known?: readonly string[]): void {
  if (value !== undefined && (typeof value !== 'object' || value === null)) {
    throw new InvalidOptionError(option, value, 'an object');
  }
  if (known !== undefined && value !== undefined) rejectUnknownOptions(option, value, known);
}
