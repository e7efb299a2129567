import { MAX_BYTES_PER_CALL, MAX_RECORDS_PER_CALL } from './limits';
import type { OutgoingRecord } from './record';

export interface BatchLimits {
  /** @default 500 */
  readonly maxRecords?: number;
  /** @default 5 MiB */
  readonly maxBytes?: number;
}

/**
 * How many records from the front of `queue` fit in one PutRecords call. Always at least one when the
 * queue is not empty: a single record is within the call limits by construction (an event frame is ≤ 64 KiB).
 */
export function batchLength(
  queue: readonly { readonly record: OutgoingRecord }[],
  { maxRecords = MAX_RECORDS_PER_CALL, maxBytes = MAX_BYTES_PER_CALL }: BatchLimits = {},
): number {
  let bytes = 0;
  let count = 0;
  for (const { record } of queue) {
    if (count === maxRecords || (count > 0 && bytes + record.size > maxBytes)) break;
    bytes += record.size;
    count++;
  }
  return count;
}
