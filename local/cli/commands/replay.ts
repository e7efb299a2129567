import { resolve } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '../../../shared/aws/s3-client';
import { loadZstd } from '../../../shared/codec/zstd';
import { KeyLayout } from '../../../shared/layout/keys';
import { type FailureLocation, type ReplayReport, replayFailures } from '../../../shared/replay/replay-failures';
import { readRunningStack } from '../../stack-file';
import { CliError } from '../errors';
import type { CliIo } from '../io';

export interface ReplayOptions {
  /** The data dir of a running local stack (used when `bucket` is not given). */
  readonly dataDir: string;
  /** AWS: the log's bucket (stack output BucketName). */
  readonly bucket?: string;
  /** AWS: the consumer's failure destination bucket (stack output FailedBatchesBucketName). */
  readonly failureBucket?: string;
  /** AWS: the log's key prefix. */
  readonly prefix?: string;
  readonly region?: string;
  /** Leave replayed batches in the failure destination. */
  readonly keep?: boolean;
}

/** Lambda's S3 on-failure destination writes below this, in its own bucket. */
const AWS_FAILURE_PREFIX = 'aws/lambda/';

/**
 * `tales replay`: stores the batches the consumer gave up on (after its retries, or past the record age)
 * exactly once, then removes each from the failure destination. In AWS it reads the failure bucket and
 * writes the log's bucket with your credentials; locally, the running stack's failed-batches/.
 */
export async function replayCommand(options: ReplayOptions, io: CliIo): Promise<void> {
  const { s3, bucket, layout, failures } = await target(options, io);
  try {
    const zstd = await loadZstd();
    const reports = await replayFailures({ s3, bucket, layout, zstd }, failures, { keep: options.keep ?? false });
    if (reports.length === 0) io.out(`no failed batches in s3://${failures.bucket}/${failures.prefix}\n`);
    for (const report of reports) io.out(`${describe(report)}\n`);
    const failed = reports.filter((report) => report.result.retryFrom !== undefined);
    if (failed.length > 0) {
      const causes = failed.flatMap((report) => report.result.failures.map(({ key, error }) => `${key}: ${(error as Error).message}`));
      throw new CliError(`${failed.length} failed batches could not be stored yet (run replay again): ${causes.join('; ')}`);
    }
  } finally {
    s3.destroy();
  }
}

async function target(
  options: ReplayOptions,
  io: CliIo,
): Promise<{ s3: S3Client; bucket: string; layout: KeyLayout; failures: FailureLocation }> {
  if (options.bucket !== undefined || options.failureBucket !== undefined) {
    if (!options.bucket || !options.failureBucket)
      throw new CliError('replay in AWS needs both --bucket and --failure-bucket (the stack outputs)');
    const layout = layoutOf(options.prefix ?? '');
    return {
      s3: createS3Client(options.region ? { region: options.region } : {}),
      bucket: options.bucket,
      layout,
      failures: { bucket: options.failureBucket, prefix: AWS_FAILURE_PREFIX },
    };
  }
  const dataDir = resolve(io.cwd ?? process.cwd(), options.dataDir);
  const stack = await readRunningStack(dataDir);
  if (!stack)
    throw new CliError(`no local stack is running on ${dataDir}: start one with npm start, or pass --bucket and --failure-bucket for AWS`);
  const { TALES_S3_ENDPOINT: endpoint, TALES_BUCKET: bucket } = stack.env;
  if (!endpoint || !bucket) throw new CliError(`the stack file in ${dataDir} names no local S3 endpoint and bucket: refusing to replay`);
  const layout = layoutOf(stack.env.TALES_PREFIX ?? '');
  return { s3: createS3Client({ endpoint }), bucket, layout, failures: { bucket, prefix: layout.failedBatchesPrefix() } };
}

function layoutOf(prefix: string): KeyLayout {
  try {
    return new KeyLayout(prefix);
  } catch {
    throw new CliError(`--prefix must be empty or end with "/" (given "${prefix}")`);
  }
}

function describe(report: ReplayReport): string {
  const { key, records, alreadyDurable, replayWriter, result } = report;
  const stored = `${result.eventsWritten} events and ${result.rejected} rejected records written as writer ${replayWriter}`;
  const skipped = result.eventsSkipped > 0 ? `, ${result.eventsSkipped} replayed before` : '';
  const state = result.retryFrom !== undefined ? ', failed again: kept' : report.removed ? ', removed' : ', kept';
  return `${key}: ${records} records, ${alreadyDurable} already stored, ${stored}${skipped}${state}`;
}
