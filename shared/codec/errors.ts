/** A stored object that cannot be decoded; `key` names the object when known. */
export class FormatError extends Error {
  override readonly name: string = 'FormatError';
  key: string | undefined;
  constructor(message: string, key?: string) {
    super(key ? `${key}: ${message}` : message);
    this.key = key;
  }
}

/** The bytes end before the structure they describe does. */
export class TruncatedError extends FormatError {
  override readonly name = 'TruncatedError';
}

/** The bytes are all there but wrong: bad magic, version, checksum, count or order. */
export class CorruptError extends FormatError {
  override readonly name = 'CorruptError';
}

/** Re-throws a format error with the object's key prefixed; other errors pass unchanged. */
export function withKey<T>(key: string, decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    throw nameKey(error, key);
  }
}

function nameKey(error: unknown, key: string): unknown {
  if (error instanceof FormatError && error.key === undefined) {
    const Kind = error instanceof TruncatedError ? TruncatedError : error instanceof CorruptError ? CorruptError : FormatError;
    return new Kind(error.message, key);
  }
  return error;
}
