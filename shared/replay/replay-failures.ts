import { DeleteObjectCommand, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { getText } from '../aws/get-text';
import type { WriterContext } from '../writer/types';
import { decodeFailedBatch } from './failed-batch';
import { type ReplayOutcome, replayFailedBatch } from './replay-batch';

/** Where the failed batches are: Lambda's S3 on-failure destination (`aws/lambda/` in its bucket), or local mode's. */
export interface FailureLocation {
  readonly bucket: string;
  readonly prefix: string;
}

export interface ReplayReport extends ReplayOutcome {
  /** The failure-destination object. */
  readonly key: string;
  readonly records: number;
  /** Removed from the failure destination once every record of it is durable. */
  readonly removed: boolean;
}

/**
 * Replays every failed batch below `failures` into the log (`context`), oldest key first, and removes
 * each one whose records are then all durable (unless `keep`). A batch that fails again stays, and the
 * run goes on with the next; running it again is safe, as each batch is replayed exactly once.
 */
export async function replayFailures(
  context: WriterContext,
  failures: FailureLocation,
  options: { readonly keep?: boolean } = {},
): Promise<ReplayReport[]> {
  const keys: string[] = [];
  for await (const page of paginateListObjectsV2({ client: context.s3 }, { Bucket: failures.bucket, Prefix: failures.prefix })) {
    for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
  }
  keys.sort();
  const reports: ReplayReport[] = [];
  for (const key of keys) {
    const text = await getText(context.s3, failures.bucket, key);
    if (text === undefined) continue;
    const batch = decodeFailedBatch(text, key);
    const outcome = await replayFailedBatch(context, batch);
    const done = outcome.result.retryFrom === undefined;
    if (done && !options.keep) await context.s3.send(new DeleteObjectCommand({ Bucket: failures.bucket, Key: key }));
    reports.push({ ...outcome, key, records: batch.records.length, removed: done && !options.keep });
  }
  return reports;
}
