/**
 * AWS list prices, us-east-1, in USD. Each constant names the AWS pricing page it comes from and what a
 * check on 2026-11-30 found. That check could read only stored copies of pages (this machine has no web
 * access), and the stored copies of the AWS pricing pages hold their text but not their price tables
 * (the tables are loaded by script). So a price counts as verified only where a dated secondary source
 * states it; "not verified" means nothing found contradicts it, and nothing found confirms it either.
 * Other regions differ by up to ~30%: read the pricing pages before a decision.
 */
export const PRICES = {
  /**
   * Kinesis Data Streams, provisioned mode: per shard-hour. https://aws.amazon.com/kinesis/data-streams/pricing/
   * Not verified (2026-11-30): the page's text confirms the billing model (shard-hours and PUT payload units in
   * provisioned mode; stream-hours and GB in on-demand mode), not the amount.
   */
  kinesisShardHour: 0.015,
  /**
   * Kinesis Data Streams, provisioned mode: per million PUT payload units (each record rounded up to 25 KB).
   * https://aws.amazon.com/kinesis/data-streams/pricing/. Partly verified (2026-11-30): $0.014 per million
   * is quoted for US West (Oregon) by github.com/EveryMundo/aws-kinesis-client (docs/why-we-created-this-package.md);
   * us-east-1 not confirmed.
   */
  kinesisPutPayloadUnitsPerMillion: 0.014,
  /**
   * S3 Standard: per 1,000 PUT, COPY, POST or LIST requests. https://aws.amazon.com/s3/pricing/
   * Verified (2026-11-30) by https://athena.guide/articles/athena-basics-pricing-model/ ("list operations
   * actually cost $5 per million", 2020).
   */
  s3PutOrListPerThousand: 0.005,
  /**
   * S3 Standard: per 1,000 GET (ranged GETs included) and other requests. https://aws.amazon.com/s3/pricing/
   * Verified (2026-11-30) by https://athena.guide/articles/athena-basics-pricing-model/ ("get operations $0.4 per million", 2020).
   */
  s3GetPerThousand: 0.0004,
  /**
   * S3 Standard: per GB-month, first 50 TB. https://aws.amazon.com/s3/pricing/
   * Verified (2026-11-30) by https://cloudburn.io/blog/amazon-s3-pricing ("$0.023/GB/month", US East, March 2026).
   */
  s3StorageGbMonth: 0.023,
  /**
   * Lambda on Arm (Graviton): per GB-second, first 7.5 billion GB-seconds a month. https://aws.amazon.com/lambda/pricing/
   * Verified (2026-11-30) by https://cloudchipr.com/blog/aws-lambda-pricing (US East, 2024).
   */
  lambdaArmGbSecond: 0.0000133334,
  /**
   * Lambda: per million requests. https://aws.amazon.com/lambda/pricing/
   * Verified (2026-11-30) by https://cloudchipr.com/blog/aws-lambda-pricing (US East, 2024).
   */
  lambdaRequestsPerMillion: 0.2,
  /**
   * Data Firehose, Direct PUT: per GB ingested, each record rounded up to 5 KB, first 500 TB.
   * https://aws.amazon.com/firehose/pricing/. Not verified (2026-11-30): the page's text confirms the 5 KB
   * rounding of Direct PUT ingestion, not the amount.
   */
  firehoseIngestGb: 0.029,
  /**
   * Data Firehose: format conversion (JSON to Parquet), per GB ingested (in 5 KB increments).
   * https://aws.amazon.com/firehose/pricing/. Not verified (2026-11-30): as for ingestion, the unit only.
   */
  firehoseFormatConversionGb: 0.018,
  /**
   * Athena (SQL queries): per TB scanned, at least 10 MB per query. https://aws.amazon.com/athena/pricing/
   * Verified (2026-11-30) by https://athena.guide/articles/athena-basics-pricing-model/ and
   * https://rcpedia.stanford.edu/services/athena.html ("$5 per TB of data scanned", "10MB minimum per query").
   */
  athenaScannedTb: 5,
  /**
   * DynamoDB on-demand: per million write request units (1 KB each). https://aws.amazon.com/dynamodb/pricing/on-demand/
   * Verified (2026-11-30) by https://airbyte.com/data-engineering-resources/dynamodb-pricing (US East, after
   * the November 2024 halving of on-demand prices).
   */
  dynamoWriteUnitsPerMillion: 0.625,
  /**
   * DynamoDB on-demand: per million read request units (4 KB strongly consistent, 8 KB eventually consistent).
   * https://aws.amazon.com/dynamodb/pricing/on-demand/. Verified (2026-11-30) by the same airbyte.com page.
   */
  dynamoReadUnitsPerMillion: 0.125,
  /**
   * DynamoDB Standard table class: per GB-month stored (each item counts 100 bytes of overhead).
   * https://aws.amazon.com/dynamodb/pricing/on-demand/. Not verified (2026-11-30).
   */
  dynamoStorageGbMonth: 0.25,
} as const;

export type Prices = typeof PRICES;
