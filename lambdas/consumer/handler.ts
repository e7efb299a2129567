import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import type { BlockCompressor } from '../../shared/codec/zstd';
import { WriterConflictError } from '../../shared/writer/errors';
import type { WriterContext } from '../../shared/writer/types';
import { writeBatch } from '../../shared/writer/write-batch';

export interface ConsumerHandlerDeps {
  readonly writer: Omit<WriterContext, 'zstd'>;
  /** Loaded once per process; awaited by the first batch. */
  readonly zstd: Promise<BlockCompressor>;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/**
 * The Kinesis event-source handler: one batch of one shard becomes chunks, manifests and rejected
 * records in S3. A write failure is answered with a batch item failure at the first record not yet
 * durable, so Lambda retries from there; a batch that breaks the event source's contract throws.
 */
export function createConsumerHandler({ writer, zstd, logger, metrics }: ConsumerHandlerDeps) {
  return middy<KinesisStreamEvent, KinesisStreamBatchResponse>()
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .handler(async (event) => {
      const records = event.Records;
      const start = performance.now();
      const result = await writeBatch({ ...writer, zstd: await zstd }, records).catch((error: unknown) => {
        logger.error('batch refused', { error, records: records.length, firstEventId: records[0]?.eventID });
        throw error;
      });
      metrics.addMetric('WriteDuration', MetricUnit.Milliseconds, performance.now() - start);
      metrics.addMetric('EventsWritten', MetricUnit.Count, result.eventsWritten);
      metrics.addMetric('Chunks', MetricUnit.Count, result.chunks);
      metrics.addMetric('ChunkBytes', MetricUnit.Bytes, result.chunkBytes);
      metrics.addMetric('Rejected', MetricUnit.Count, result.rejected);
      metrics.addMetric('EventsSkipped', MetricUnit.Count, result.eventsSkipped);
      // Alarmed: a failed write is retried by Lambda, but a shard that keeps failing loses its batch to the failure destination.
      metrics.addMetric('WriteFailures', MetricUnit.Count, result.failures.length);
      metrics.addMetric('WriterConflicts', MetricUnit.Count, result.failures.filter((f) => f.error instanceof WriterConflictError).length);
      for (const { key, error } of result.failures) logger.error('write failed', { error, key, writer: result.writer });
      const { failures, ...summary } = result;
      logger.info('batch written', { ...summary, failed: failures.length });
      return { batchItemFailures: result.retryFrom === undefined ? [] : [{ itemIdentifier: result.retryFrom }] };
    });
}
