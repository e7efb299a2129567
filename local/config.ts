import { ConfigError, type Env, optionalInt, optionalString } from '../shared/config/env';

const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Settings of the local stack (`npm start`), from TALES_* variables. */
export interface LocalConfig {
  /** The HTTP port on 127.0.0.1; 0 picks a free one. */
  readonly port: number;
  /** Where kinesalite, s3rver and the poller's checkpoints keep their data. */
  readonly dataDir: string;
  /** Shards of a stream created by the stack (an existing stream keeps its own). */
  readonly shards: number;
  readonly batchSize: number;
  readonly batchWindowMs: number;
  /**
   * How long the query reuses an open day's writer list and manifests (TALES_OPEN_DAY_CACHE_MS, 5 s in
   * AWS): 0 here, so a batch is queryable as soon as it is written, for a few s3rver requests a query.
   */
  readonly openDayCacheMs: number;
  /** How often the merger folds new chunks into merged index segments (0: never), as its schedule does in AWS. */
  readonly mergeIntervalMs: number;
  readonly bucket: string;
  readonly streamName: string;
  /** Level of the handlers' and the poller's logs. */
  readonly logLevel: LogLevel;
}

export const LOCAL_DEFAULTS = {
  port: 7700,
  dataDir: '.tales',
  shards: 2,
  batchSize: 10_000,
  batchWindowMs: 1000,
  openDayCacheMs: 0,
  mergeIntervalMs: 300_000,
  bucket: 'tales-local',
  streamName: 'tales-local',
  logLevel: 'WARN',
} as const satisfies LocalConfig;

/** Reads the local stack's settings; a bad variable is a ConfigError naming it. */
export function readLocalConfig(env: Env): LocalConfig {
  const logLevel = optionalString(env, 'TALES_LOG_LEVEL', LOCAL_DEFAULTS.logLevel).toUpperCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(`Environment variable TALES_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (given "${env.TALES_LOG_LEVEL}")`);
  }
  return {
    port: optionalInt(env, 'TALES_PORT', LOCAL_DEFAULTS.port, 0, 65_535),
    dataDir: optionalString(env, 'TALES_DATA_DIR', LOCAL_DEFAULTS.dataDir),
    shards: optionalInt(env, 'TALES_SHARDS', LOCAL_DEFAULTS.shards, 1, 10),
    batchSize: optionalInt(env, 'TALES_BATCH_SIZE', LOCAL_DEFAULTS.batchSize, 1, 10_000),
    batchWindowMs: optionalInt(env, 'TALES_BATCH_WINDOW_MS', LOCAL_DEFAULTS.batchWindowMs, 0, 300_000),
    openDayCacheMs: optionalInt(env, 'TALES_OPEN_DAY_CACHE_MS', LOCAL_DEFAULTS.openDayCacheMs, 0, 600_000),
    mergeIntervalMs: optionalInt(env, 'TALES_MERGE_INTERVAL_MS', LOCAL_DEFAULTS.mergeIntervalMs, 0, 86_400_000),
    bucket: optionalString(env, 'TALES_BUCKET', LOCAL_DEFAULTS.bucket),
    streamName: optionalString(env, 'TALES_STREAM_NAME', LOCAL_DEFAULTS.streamName),
    logLevel: logLevel as LogLevel,
  };
}
