/**
 * What the bench measured (docs/benchmarks.md, on the shared 1,000,000-event workload), which the cost model
 * multiplies. Change these with the bench figures, not by hand.
 */
export const MEASURED = {
  /** Bytes stored per event once its day is compacted (re-encoded: index + data + metadata, 145-event chunks); the month's days are. */
  storedBytesPerEvent: 24.4,
  /** Bytes of one JSON Kinesis record (the workload's events average ~60-byte texts and 1–3 actors). */
  recordBytes: 100,
  /** Consumer: requests per batch and day written: one manifest GET, one chunk PUT, one manifest PUT. */
  consumerGetsPerBatch: 1,
  consumerPutsPerBatch: 2,
  /** Consumer: handler time for a 10,000-record batch (p50), at 1024 MB. */
  consumerMsPer10kRecords: 138,
  /** Query "hot, newest 50" over one day at 4 writers: 10 requests, of which 1 LIST, 1 compacted-day probe, 4 manifests, 4 ranged reads. */
  queryListsPerDay: 1,
  queryFixedGetsPerDay: 5,
  queryGetsPerWriterPerDay: 1,
  /** Query handler time (warm p50 of "hot, newest 50"), at 1024 MB. */
  queryMs: 35,
  /**
   * Compaction of one day: its time per 172,800 events (9.2 s re-encoding at zstd level 19, on the 2-core bench machine under
   * load), requests per source chunk (two GETs: index section, blocks region) and per day (up to 32 GETs sampling the
   * dictionary; data, index, sources and meta PUTs; one LIST per writer).
   */
  compactionMsPerEvent: 9230 / 172_800,
  compactionGetsPerChunk: 2,
  compactionGetsPerDay: 32,
  compactionPutsPerDay: 4,
  /** Parquet (zstd) bytes per event of the same workload (the DuckDB reference). */
  parquetBytesPerEvent: 27.8,
} as const;

/** Lambda memory of each function, as lib/tales-log.ts configures it. */
export const MEMORY_GB = { consumer: 1, query: 1, compactor: 2 } as const;
