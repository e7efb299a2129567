import type { RejectedRecord } from './decode-record';

/**
 * The NDJSON body of a batch's rejected object: one line per rejected record, in sequence order,
 * holding everything needed to inspect or replay it. The same records always give the same bytes,
 * so a retried batch overwrites the object with identical content.
 */
export function encodeRejected(records: readonly RejectedRecord[]): string {
  return records
    .map(({ sequenceNumber, partitionKey, arrival, code, reason, data }) =>
      JSON.stringify({ sequenceNumber, partitionKey, arrival, code, reason, data }),
    )
    .map((line) => `${line}\n`)
    .join('');
}
