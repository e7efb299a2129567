import { randomUUID } from 'node:crypto';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { encodeFailedBatch } from '../../shared/replay/failed-batch';
import type { FailureDestination } from './types';

/**
 * Local mode's on-failure destination: each given-up batch, records and data included, as one object
 * below `prefix` named as Lambda names them (`aws/lambda/<mapping>/<shard>/YYYY/MM/DD/<time>-<uuid>`),
 * in the shape Lambda's S3 destination writes, so `tales replay` reads both alike.
 */
export function s3FailureDestination(
  s3: S3Client,
  bucket: string,
  prefix: string,
  streamArn: string,
  clock = Date.now,
): FailureDestination {
  return async ({ shardId, records, condition, invokeCount }) => {
    const first = records[0];
    const last = records[records.length - 1];
    if (!first || !last) return;
    const now = new Date(clock()).toISOString();
    const key = `${prefix}aws/lambda/local/${shardId}/${now.slice(0, 10).replaceAll('-', '/')}/${now.slice(0, 19).replaceAll(':', '.')}-${randomUUID()}`;
    const body = encodeFailedBatch(
      {
        shardId,
        startSequenceNumber: first.kinesis.sequenceNumber,
        endSequenceNumber: last.kinesis.sequenceNumber,
        condition,
        records,
      },
      { streamArn, timestamp: now, invokeCount },
    );
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json' }));
  };
}
