import { CorruptError } from './errors';

/** Parses a stored JSON object with `parse`; any fault, JSON syntax included, is a CorruptError naming `key`. */
export function decodeStoredJson<T>(text: string, key: string, what: string, parse: (value: unknown) => T): T {
  try {
    return parse(JSON.parse(text));
  } catch (error) {
    throw new CorruptError(`invalid ${what}: ${error instanceof Error ? error.message : String(error)}`, key);
  }
}

export function jsonObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${what} must be an object`);
  return value as Record<string, unknown>;
}

/** `object[name]` as a non-negative safe integer; `where` prefixes the message (e.g. "chunk 3 "). */
export function jsonInt(object: Record<string, unknown>, name: string, where = ''): number {
  const field = object[name];
  if (typeof field !== 'number' || !Number.isSafeInteger(field) || field < 0)
    throw new Error(`${where}${name} must be a non-negative integer`);
  return field;
}

export function jsonString(object: Record<string, unknown>, name: string, where = ''): string {
  const field = object[name];
  if (typeof field !== 'string') throw new Error(`${where}${name} must be a string`);
  return field;
}
