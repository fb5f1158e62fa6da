/**
 * A value as JavaScript source (a literal to paste into a test): like JSON, with `Infinity`,
 * single-quoted strings and unquoted keys where they are identifiers.
 */
export function toSource(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'string')
    return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
  if (typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value)) return `[${value.map(toSource).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(
      ([, v]) => v !== undefined,
    );
    if (entries.length === 0) return '{}';
    const key = (k: string): string => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : toSource(k));
    return `{ ${entries.map(([k, v]) => `${key(k)}: ${toSource(v)}`).join(', ')} }`;
  }
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return `[Function ${value.name || 'anonymous'}]`;
  return typeof value === 'symbol' ? value.toString() : 'undefined';
}
