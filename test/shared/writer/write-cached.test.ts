import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BlockCompressor, loadZstd } from '../../../shared/codec/zstd';
import type { TalesEvent } from '../../../shared/event/types';
import { dayNumber } from '../../../shared/layout/day';
import { KeyLayout } from '../../../shared/layout/keys';
import { ManifestCache } from '../../../shared/writer/manifest-cache';
import type { WriterContext } from '../../../shared/writer/types';
import { writeBatch } from '../../../shared/writer/write-batch';
import { MemoryS3 } from '../../support/memory-s3';
import { readWriterDay } from '../../support/read-back';
import { jsonPayload, syntheticRecords } from '../../support/stream-records';

// A warm consumer starts each batch from the manifest it wrote last; MemoryS3 enforces the conditional
// writes that reveal a stale one (s3rver ignores them).
const START = Date.UTC(2026, 6, 1, 12);
const DAY = dayNumber(START);
const WRITER = 'shardId-000000000000';
const FIRST = 49_000_000_000_000_000_000n;
const layout = new KeyLayout('');

let zstd: BlockCompressor;
beforeAll(async () => {
  zstd = await loadZstd();
});

function events(count: number, from = 0): TalesEvent[] {
  return Array.from({ length: count }, (_, i) => ({ time: START + (from + i) * 1000, actors: [1 + (i % 3)], text: `event ${from + i}` }));
}

/** Records `from`..`from + count - 1` of the shard: event i has sequence number FIRST + i. */
function records(from: number, count: number) {
  return syntheticRecords(
    events(count, from).map((e) => jsonPayload(e)),
    { first: FIRST + BigInt(from) },
  );
}

/** A consumer instance: its own client and, when warm, its own manifest cache. */
function instance(memory: MemoryS3, overrides: Partial<WriterContext> = {}): WriterContext {
  return { s3: memory.client(), bucket: memory.bucket, layout, zstd, manifests: new ManifestCache(), clock: () => START, ...overrides };
}

async function storedTexts(memory: MemoryS3): Promise<string[]> {
  return (await readWriterDay(memory.client(), memory.bucket, layout, zstd, WRITER, DAY)).events.map((e) => e.text);
}

describe('a consumer with a manifest cache', () => {
  it('writes a batch late in the day with two PUTs and no GET, the manifest it wrote standing in for the read', async () => {
    // GIVEN a warm instance that has written 40 batches of the day
    const memory = new MemoryS3();
    const warm = instance(memory);
    for (let b = 0; b < 40; b++) expect((await writeBatch(warm, records(b * 3, 3))).failures).toEqual([]);
    memory.resetCounts();

    // WHEN it writes the next batch
    const result = await writeBatch(warm, records(120, 3));

    // THEN it reads nothing: the chunk PUT and the manifest PUT are its only requests
    expect(result).toMatchObject({ eventsWritten: 3, puts: 2, failures: [] });
    expect(memory.counts).toMatchObject({ gets: 0, heads: 0, lists: 0, puts: 2, bytesOut: 0 });
    expect(await storedTexts(memory)).toEqual(events(123).map((e) => e.text));
  });

  it('reads the manifest on every batch without a cache', async () => {
    const memory = new MemoryS3();
    const cold = instance(memory, { manifests: undefined });
    await writeBatch(cold, records(0, 3));
    memory.resetCounts();

    await writeBatch(cold, records(3, 3));

    expect(memory.counts).toMatchObject({ gets: 1, puts: 2 });
  });

  it('reads the manifest again when another instance wrote the writer-day since, losing and repeating nothing', async () => {
    // GIVEN instance A wrote batch 1, then the shard's next batch went to instance B
    const memory = new MemoryS3();
    const a = instance(memory);
    const b = instance(memory);
    await writeBatch(a, records(0, 4));
    await writeBatch(b, records(4, 4));
    memory.resetCounts();

    // WHEN A writes batch 3 from its stale cache
    const result = await writeBatch(a, records(8, 4));

    // THEN its chunk write is refused (B's chunk holds that sequence), it reads the manifest and writes at the next one
    expect(result).toMatchObject({ eventsWritten: 4, eventsSkipped: 0, failures: [], retryFrom: undefined });
    expect(memory.counts).toMatchObject({ gets: 1, puts: 3 });
    expect(await storedTexts(memory)).toEqual(events(12).map((e) => e.text));
    // AND A's cache holds its new manifest: its next batch reads nothing
    memory.resetCounts();
    await writeBatch(a, records(12, 4));
    expect(memory.counts).toMatchObject({ gets: 0, puts: 2 });
  });

  it('never replaces a listed chunk found at the sequence its stale cache gives, however old', async () => {
    // GIVEN A's cache is stale and B's chunk at the next sequence is older than any live attempt
    const memory = new MemoryS3();
    const a = instance(memory, { orphanAfterMs: 0 });
    await writeBatch(a, records(0, 4));
    await writeBatch(instance(memory), records(4, 4));

    // WHEN A writes the next batch
    const result = await writeBatch(a, records(8, 4));

    // THEN B's chunk stays: A writes after it
    expect(result.failures).toEqual([]);
    expect(await storedTexts(memory)).toEqual(events(12).map((e) => e.text));
  });

  it('skips a batch another instance already wrote, though its stale cache does not show it', async () => {
    // GIVEN B wrote batch 2 after A wrote batch 1, and batch 2 is delivered again to A
    const memory = new MemoryS3();
    const a = instance(memory);
    await writeBatch(a, records(0, 4));
    await writeBatch(instance(memory), records(4, 4));

    // WHEN A writes it (its chunk would be byte-identical to B's)
    const result = await writeBatch(a, records(4, 4));

    // THEN the fresh manifest's watermark shows it durable
    expect(result).toMatchObject({ eventsWritten: 0, eventsSkipped: 4, failures: [] });
    expect(await storedTexts(memory)).toEqual(events(8).map((e) => e.text));
  });

  it('forgets a manifest whose write failed, so that the retry reads what S3 holds', async () => {
    // GIVEN the manifest write of A's second batch reaches S3 but its answer is lost
    const memory = new MemoryS3();
    const a = instance(memory);
    await writeBatch(a, records(0, 4));
    let lose = true;
    a.s3.middlewareStack.add(
      (next, context) => async (args) => {
        const output = await next(args);
        if (lose && context.commandName === 'PutObjectCommand' && (args.input as { Key: string }).Key.endsWith('manifest.json')) {
          lose = false;
          throw new Error('answer lost');
        }
        return output;
      },
      { step: 'initialize', name: 'loseAnswer' },
    );
    expect((await writeBatch(a, records(4, 4))).retryFrom).toBe(String(FIRST + 4n));
    expect(a.manifests?.size).toBe(0);

    // WHEN Lambda retries the batch on A
    const retry = await writeBatch(a, records(4, 4));

    // THEN A reads the manifest and finds the batch durable
    expect(retry).toMatchObject({ eventsWritten: 0, eventsSkipped: 4, failures: [] });
    expect(await storedTexts(memory)).toEqual(events(8).map((e) => e.text));
  });

  it.each(['request', 'response'] as const)(
    'stores each record once when any S3 call of a warm batch loses its %s, retried on the same instance or another',
    async (lost) => {
      // A warm batch makes two calls: the chunk PUT and the manifest PUT.
      for (let call = 1; call <= 2; call++) {
        for (const retryOn of ['same', 'other'] as const) {
          // GIVEN a warm instance whose next batch's `call`-th S3 call fails (after S3 applied it, for a lost response)
          const memory = new MemoryS3();
          const a = instance(memory);
          await writeBatch(a, records(0, 4));
          let calls = 0;
          let armed = true;
          a.s3.middlewareStack.add(
            (next) => async (args) => {
              const failing = armed && ++calls === call;
              if (failing && lost === 'request') throw new Error('request lost');
              const output = await next(args);
              if (failing) throw new Error('response lost');
              return output;
            },
            { step: 'initialize', name: 'fault' },
          );
          const failed = await writeBatch(a, records(4, 4));
          armed = false;
          expect(calls, `call ${call}`).toBe(call);
          expect(failed.retryFrom, `call ${call}`).toBe(String(FIRST + 4n));

          // WHEN Lambda retries the batch, then delivers the next one, on either instance
          const b = retryOn === 'same' ? a : instance(memory);
          const retried = await writeBatch(b, records(4, 4));
          const next = await writeBatch(b, records(8, 4));

          // THEN every record is stored once
          expect(retried.failures, `call ${call}, retried on the ${retryOn}`).toEqual([]);
          expect(next.failures).toEqual([]);
          expect(await storedTexts(memory)).toEqual(events(12).map((e) => e.text));
        }
      }
    },
  );

  it('stores each record once whichever instances, warm or cold, the shard’s batches and their redeliveries go to', async () => {
    const delivery = fc.record({ size: fc.integer({ min: 1, max: 6 }), to: fc.integer({ min: 0, max: 2 }), again: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(fc.array(delivery, { minLength: 1, maxLength: 25 }), async (deliveries) => {
        const memory = new MemoryS3();
        const instances = [instance(memory), instance(memory), instance(memory, { manifests: undefined })];
        let next = 0;
        for (const { size, to, again } of deliveries) {
          const batch = records(next, size);
          const result = await writeBatch(instances[to] as WriterContext, batch);
          expect(result.failures).toEqual([]);
          // At least once: the event source may deliver the batch again, to another instance.
          if (again) expect((await writeBatch(instances[(to + 1) % 3] as WriterContext, batch)).eventsWritten).toBe(0);
          next += size;
        }
        expect(await storedTexts(memory)).toEqual(events(next).map((e) => e.text));
        const manifest = (await readWriterDay(memory.client(), memory.bucket, layout, zstd, WRITER, DAY)).manifest;
        const chunkKeys = [...memory.objects.keys()].filter((key) => key.endsWith('.tale'));
        expect(chunkKeys.sort()).toEqual((manifest?.chunks ?? []).map((c) => layout.chunkKey(DAY, WRITER, c.seq)).sort());
      }),
      { numRuns: 40 },
    );
  });
});

describe('ManifestCache', () => {
  const version = (etag: string) => ({ manifest: { writer: WRITER, day: DAY, chunks: [] }, etag });

  it('gives an entry once: taking it removes it', () => {
    const cache = new ManifestCache();
    cache.keep('k', version('"1"'));
    expect(cache.take('k')).toEqual(version('"1"'));
    expect(cache.take('k')).toBeUndefined();
  });

  it('drops the least recently kept entry beyond its capacity', () => {
    const cache = new ManifestCache(2);
    cache.keep('a', version('"a"'));
    cache.keep('b', version('"b"'));
    cache.keep('a', version('"a2"'));
    cache.keep('c', version('"c"'));
    expect(cache.size).toBe(2);
    expect(cache.take('b')).toBeUndefined();
    expect(cache.take('a')).toEqual(version('"a2"'));
    expect(cache.take('c')).toEqual(version('"c"'));
  });
});
