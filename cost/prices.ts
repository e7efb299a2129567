/**
 * AWS list prices, us-east-1, in USD, as published on each service's pricing page (aws.amazon.com/<service>/pricing)
 * and last read for this file in 2025; not re-read since (this machine has no web access). Other regions
 * differ by up to ~30%: check the pricing pages before a decision.
 */
export const PRICES = {
  /** Kinesis Data Streams, provisioned mode: per shard-hour. */
  kinesisShardHour: 0.015,
  /** Kinesis Data Streams, provisioned mode: per million PUT payload units (each record rounded up to 25 KB). */
  kinesisPutPayloadUnitsPerMillion: 0.014,
  /** S3 Standard: per 1,000 PUT, COPY, POST or LIST requests. */
  s3PutOrListPerThousand: 0.005,
  /** S3 Standard: per 1,000 GET (ranged GETs included) and other requests. */
  s3GetPerThousand: 0.0004,
  /** S3 Standard: per GB-month, first 50 TB. */
  s3StorageGbMonth: 0.023,
  /** Lambda on Arm (Graviton): per GB-second. */
  lambdaArmGbSecond: 0.0000133334,
  /** Lambda: per million requests. */
  lambdaRequestsPerMillion: 0.2,
  /** Data Firehose, Direct PUT: per GB ingested, each record rounded up to 5 KB, first 500 TB. */
  firehoseIngestGb: 0.029,
  /** Data Firehose: format conversion (JSON to Parquet), per GB ingested. */
  firehoseFormatConversionGb: 0.018,
  /** Athena: per TB scanned, at least 10 MB per query. */
  athenaScannedTb: 5,
  /** DynamoDB on-demand: per million write request units (1 KB each). */
  dynamoWriteUnitsPerMillion: 0.625,
  /** DynamoDB on-demand: per million read request units (4 KB strongly consistent, 8 KB eventually consistent). */
  dynamoReadUnitsPerMillion: 0.125,
  /** DynamoDB Standard table class: per GB-month stored (each item counts 100 bytes of overhead). */
  dynamoStorageGbMonth: 0.25,
} as const;

export type Prices = typeof PRICES;
