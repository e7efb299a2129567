const SEQUENCE_NUMBER = /^(0|[1-9]\d{0,127})$/;

export function isSequenceNumber(value: unknown): value is string {
  return typeof value === 'string' && SEQUENCE_NUMBER.test(value);
}

/** Orders Kinesis sequence numbers (decimal strings of up to 128 digits) numerically. */
export function compareSequenceNumbers(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
