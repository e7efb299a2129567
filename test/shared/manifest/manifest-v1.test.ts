import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BlockCompressor, loadZstd } from '../../../shared/codec/zstd';
import type { TalesEvent } from '../../../shared/event/types';
import { KeyLayout } from '../../../shared/layout/keys';
import { isBinaryManifest } from '../../../shared/manifest/manifest-binary';
import { readManifest } from '../../../shared/manifest/read-manifest';
import { ManifestCache } from '../../../shared/writer/manifest-cache';
import { writeBatch } from '../../../shared/writer/write-batch';
import { MemoryS3 } from '../../support/memory-s3';
import { readWriterDay } from '../../support/read-back';
import { jsonPayload, syntheticRecords } from '../../support/stream-records';

/** A writer-day whose manifest is in format 1, JSON (test/fixtures/manifest-v1/README.md). */
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/manifest-v1/day.json', import.meta.url), 'utf8')) as {
  day: number;
  events: TalesEvent[];
  objects: Record<string, string>;
};
const WRITER = 'shardId-000000000000';
const FIRST = 49_650_000_000_000_000_000_000_000_000_000_000_000_000_000_000n;
const layout = new KeyLayout('golden/');
const manifestKey = layout.manifestKey(fixture.day, WRITER);

let zstd: BlockCompressor;
beforeAll(async () => {
  zstd = await loadZstd();
});

function stored(): MemoryS3 {
  const memory = new MemoryS3();
  for (const [key, base64] of Object.entries(fixture.objects)) memory.put(key, Buffer.from(base64, 'base64'));
  return memory;
}

/** Events `from`..`to - 1` of the writer-day as the shard delivered them (event i at sequence number FIRST + i). */
function records(events: readonly TalesEvent[], from: number) {
  return syntheticRecords(
    events.map((e) => jsonPayload(e)),
    { first: FIRST + BigInt(from) },
  );
}

const later = Array.from({ length: 5 }, (_, i) => ({
  time: (fixture.events[14]?.time as number) + (i + 1) * 60_000,
  actors: [7],
  text: `later ${i}`,
}));

describe('a writer-day stored with a manifest of format 1 (JSON)', () => {
  it('is read: its manifest lists the three chunks, which hold the fixture events', async () => {
    const memory = stored();
    expect(isBinaryManifest(memory.get(manifestKey) as Uint8Array)).toBe(false);
    const manifest = await readManifest(memory.client(), memory.bucket, manifestKey, WRITER, fixture.day);
    expect(manifest?.chunks.map((c) => [c.seq, c.entries, c.first, c.watermark])).toEqual(
      [0, 1, 2].map((seq) => [seq, 5, String(FIRST + BigInt(5 * seq)), String(FIRST + BigInt(5 * seq + 4))]),
    );
    expect((await readWriterDay(memory.client(), memory.bucket, layout, zstd, WRITER, fixture.day)).events).toEqual(fixture.events);
  });

  it.each([
    ['', undefined],
    [' warm', new ManifestCache()],
  ])(
    'is continued by the%s writer, which rewrites its manifest in format 2 keeping every chunk, and skips a batch it holds',
    async (_, manifests) => {
      const memory = stored();
      const context = { s3: memory.client(), bucket: memory.bucket, layout, zstd, ...(manifests ? { manifests } : {}) };
      const before = await readManifest(memory.client(), memory.bucket, manifestKey, WRITER, fixture.day);

      const result = await writeBatch(context, records(later, 15));
      const again = await writeBatch(context, records(fixture.events.slice(10), 10));

      expect(result).toMatchObject({ eventsWritten: 5, failures: [] });
      expect(again).toMatchObject({ eventsWritten: 0, eventsSkipped: 5, failures: [] });
      expect(isBinaryManifest(memory.get(manifestKey) as Uint8Array)).toBe(true);
      const after = await readWriterDay(memory.client(), memory.bucket, layout, zstd, WRITER, fixture.day);
      expect(after.manifest?.chunks.slice(0, 3)).toEqual(before?.chunks);
      expect(after.events).toEqual([...fixture.events, ...later]);
    },
  );
});
