import { beforeAll, describe, expect, it } from 'vitest';
import { type BlockCompressor, loadZstd } from '../../../shared/codec/zstd';
import { CLOSE_AFTER_MS, DAY_MS, dayNumber } from '../../../shared/layout/day';
import { KeyLayout } from '../../../shared/layout/keys';
import { LATE_MARGIN_MS } from '../../../shared/writer/late-marker';
import type { WriterContext } from '../../../shared/writer/types';
import { writeBatch } from '../../../shared/writer/write-batch';
import { faultyS3 } from '../../support/faulty-s3';
import { MemoryS3, type RequestTrace } from '../../support/memory-s3';
import { jsonPayload, syntheticRecords } from '../../support/stream-records';

const START = Date.UTC(2026, 6, 1, 12);
const DAY = dayNumber(START);
/** The first moment a chunk of DAY is late: the margin before the day closes. */
const MARKS_FROM = (DAY + 1) * DAY_MS + CLOSE_AFTER_MS - LATE_MARGIN_MS;
const FIRST = 49_000_000_000_000_000_000n;
const layout = new KeyLayout('');
const MARKER = layout.lateChunksKey(DAY);

let zstd: BlockCompressor;
beforeAll(async () => {
  zstd = await loadZstd();
});

function records(from: number, count: number) {
  const events = Array.from({ length: count }, (_, i) => ({ time: START + (from + i) * 1000, actors: [1], text: `event ${from + i}` }));
  return syntheticRecords(
    events.map((e) => jsonPayload(e)),
    { first: FIRST + BigInt(from) },
  );
}

function store() {
  const trace: RequestTrace[] = [];
  const memory = new MemoryS3('late', { onRequest: (request) => trace.push(request) });
  const context = (at: number, overrides: Partial<WriterContext> = {}): WriterContext => ({
    s3: memory.client(),
    bucket: memory.bucket,
    layout,
    zstd,
    clock: () => at,
    ...overrides,
  });
  const puts = () => trace.filter((request) => request.method === 'PUT').map((request) => request.key);
  return { memory, trace, context, puts };
}

describe("the writer's late-chunks marker", () => {
  it('is not put for a chunk written before its day comes within the margin of its close', async () => {
    const { context, puts } = store();
    const result = await writeBatch(context(MARKS_FROM - 1), records(0, 3));
    expect(result).toMatchObject({ eventsWritten: 3, puts: 2, failures: [] });
    expect(puts()).toEqual([layout.chunkKey(DAY, 'shardId-000000000000', 0), layout.manifestKey(DAY, 'shardId-000000000000')]);
  });

  it('is put before the chunk from then on, each late batch putting it again, and is empty', async () => {
    const { memory, context, puts } = store();
    for (const [b, at] of [MARKS_FROM, MARKS_FROM + 5 * DAY_MS].entries()) {
      expect(await writeBatch(context(at), records(b * 3, 3))).toMatchObject({ eventsWritten: 3, puts: 3, failures: [] });
    }
    expect(puts()).toEqual([
      MARKER,
      layout.chunkKey(DAY, 'shardId-000000000000', 0),
      layout.manifestKey(DAY, 'shardId-000000000000'),
      MARKER,
      layout.chunkKey(DAY, 'shardId-000000000000', 1),
      layout.manifestKey(DAY, 'shardId-000000000000'),
    ]);
    expect(memory.objects.get(MARKER)?.body).toHaveLength(0);
  });

  it("follows the deployment's close (closeAfterMs): 0 marks a chunk of a day that ended within the margin", async () => {
    const { context, puts } = store();
    await writeBatch(context((DAY + 1) * DAY_MS - LATE_MARGIN_MS, { closeAfterMs: 0 }), records(0, 3));
    expect(puts()[0]).toBe(MARKER);
  });

  it('when lost, writes no chunk and asks for the batch again from its first record; the retry marks the day and writes it once', async () => {
    const { memory, context } = store();
    const faulty = faultyS3(memory.client());
    const batch = records(0, 3);
    for (const lost of ['request', 'response'] as const) {
      faulty.arm({ call: 1, lost, command: 'PutObjectCommand', key: MARKER });
      const failed = await writeBatch(context(MARKS_FROM, { s3: faulty.s3 }), batch);
      expect(failed.retryFrom).toBe(batch[0]?.kinesis.sequenceNumber);
      expect(failed.failures.map((f) => f.key)).toEqual([MARKER]);
      expect([...memory.objects.keys()].filter((key) => key.endsWith('.tale'))).toEqual([]);
    }
    faulty.arm();
    expect(await writeBatch(context(MARKS_FROM, { s3: faulty.s3 }), batch)).toMatchObject({ eventsWritten: 3, failures: [] });
    expect(memory.objects.has(MARKER)).toBe(true);
    expect(await writeBatch(context(MARKS_FROM, { s3: faulty.s3 }), batch)).toMatchObject({ eventsWritten: 0, eventsSkipped: 3, puts: 0 });
  });
});
