/**
 * What the bench measured (docs/benchmarks.md, on the shared 1,000,000-event workload), which the cost model
 * multiplies. Change these with the bench figures, not by hand.
 */
export const MEASURED = {
  /** Bytes stored per event once its day is compacted (re-encoded: index + data + metadata, 145-event chunks); the month's days are. */
  storedBytesPerEvent: 24.4,
  /** Bytes of one JSON Kinesis record (the workload's events average ~60-byte texts and 1–3 actors). */
  recordBytes: 100,
  /**
   * Consumer: each batch PUTs its chunk and the writer-day's manifest. A warm consumer starts from the manifest it
   * wrote last, so a batch reads nothing; the writer-day's first batch finds none cached and GETs it (the consumer
   * bench's writer-day of 1,440 batches with the manifest cache: 1 GET, 2 PUTs a batch). A consumer instance that
   * starts cold, or finds its cached manifest stale, GETs once more: not counted, at most one GET a batch (~$0.02 a
   * shard-month at 60-s batches).
   */
  consumerPutsPerBatch: 2,
  consumerGetsPerWriterDay: 1,
  /** Consumer: handler time for a 10,000-record batch (p50), at 1024 MB. */
  consumerMsPer10kRecords: 138,
  /**
   * Merger (scale bench, "merger per day" of each stored shape, 279.5 runs a day of the workload; docs/benchmarks.md):
   * each open day a run looks at costs a metadata probe and the tier manifest, one LIST of its writers and one
   * manifest GET per writer; a closed day one GET (its compacted metadata, or that and its sealed tier manifest);
   * each chunk one GET (its index, folded into a level-0 segment) and each segment one more when a fold reads it back.
   * The bench's runs look at today and the closed day, which this predicts within 1.2%: 4 × 30 7,794 GETs a day
   * (measured 7,885), 16 × 30 11,159 (11,228), 16 × 145 6,750 (6,788). PUTs: the new segment, the folds and today's
   * tier manifest, 555 a day whenever chunks keep coming (557.5 at 4 × 30 and 16 × 30, 554.8 at 16 × 145, 558 at
   * 4 × 145: what the schedule writes, whatever the writers and batches).
   */
  mergerGetsPerOpenDay: 2,
  mergerGetsPerWriterPerOpenDay: 1,
  mergerListsPerOpenDay: 1,
  mergerGetsPerClosedDay: 1,
  mergerGetsPerChunk: 1,
  mergerPutsPerDay: 555,
  /** Merger GETs per day reading back the segments its folds fold (about one per segment written: 555 PUTs less 288 manifests). */
  mergerFoldGetsPerDay: 267,
  /**
   * Merger handler time per run at 1024 MB: its CPU on a store that answers at once, 129 ms a run at 4 × 30 (load 6)
   * and 92 ms at 16 × 30 (load 3), plus its chain of ~5 requests (probes, list, manifests, chunk indexes, PUTs) at the
   * bench's 20 ms each.
   */
  mergerMsPerRun: 230,
  /**
   * Query of an open day (today; "hot, newest 50" cold in the scale bench): one LIST of its writers; its
   * compacted-metadata probe, tier manifest and merged segments (8 at 4 × 30 and 16 × 30 late in the day, each read whole: their
   * number follows the merger's runs, not the chunks); per writer its manifest and the newest blocks of its chunks, one
   * GET when a writer's newest chunk holds the page (4 × 10,000 and 16 × 10,000: 1 a writer; a 60-s batch of ~7,000
   * events does, while 30-event chunks take ~4 a writer: 15 at 4 × 30).
   */
  queryOpenDay: { lists: 1, fixedGets: 10, getsPerWriter: 2 },
  /**
   * Query of a compacted day (the days a query reads beyond today and yesterday; "rare all" cold in the scale bench on
   * main 754551e, the same at every shape): its metadata, its late-chunks marker probe (404), the index and one GET of
   * blocks (two on 1 day of 4); no LIST and no writer manifest, since no chunk was written to it late. A day with the
   * marker (a `tales replay`, a lagging shard) is read in full: add its tier manifest, a LIST and a manifest per writer
   * (on main a983225, before the marker, every compacted day cost that: 4 GETs, a LIST and a manifest per writer).
   */
  queryCompactedDay: { lists: 0, fixedGets: 4, getsPerWriter: 0 },
  /** Query handler time (warm p50 of "hot, newest 50"), at 1024 MB. */
  queryMs: 35,
  /**
   * Compaction of one day: its time per 172,800 events (9.2 s re-encoding at zstd level 19, on the 2-core bench machine under
   * load), requests per source chunk (two GETs: index section, blocks region) and per day (up to 32 GETs sampling the
   * dictionary; data, index, sources and meta PUTs; the scale bench's 4 daily runs: 46,374 GETs and 16 PUTs for 4 days
   * of 4 × 30, ~23,000 chunks). LISTs: 48 in those 4 runs (its days' writers and tiers over the 7-day lookback), at 4 and
   * at 16 writers and every batch size alike.
   */
  compactionMsPerEvent: 9230 / 172_800,
  compactionGetsPerChunk: 2,
  compactionGetsPerDay: 32,
  compactionPutsPerDay: 4,
  compactionListsPerDay: 12,
  /** Parquet (zstd) bytes per event of the same workload (the DuckDB reference). */
  parquetBytesPerEvent: 27.8,
} as const;

/** Lambda memory of each function, as lib/tales-log.ts configures it. */
export const MEMORY_GB = { consumer: 1, query: 1, compactor: 2, merger: 1 } as const;
