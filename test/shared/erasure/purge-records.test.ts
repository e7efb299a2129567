import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { eventSourceRecord } from '../../../local/poller/event-source-record';
import { purgeRecords, type RecordStore, recordNamesErased } from '../../../shared/erasure/purge-records';
import { KeyLayout } from '../../../shared/layout/keys';
import { decodeFailedBatch, encodeFailedBatch } from '../../../shared/replay/failed-batch';
import type { StreamRecord } from '../../../shared/writer/stream-record';
import { faultyS3, InjectedFault } from '../../support/faulty-s3';
import { MemoryS3 } from '../../support/memory-s3';

const ERASED = new Set([7]);
const MARKER = 'SECRET-OF-7';
const layout = new KeyLayout('t/');
const base64 = (text: string) => Buffer.from(text).toString('base64');

/** A rejected object's line, as the consumer writes it (encodeRejected's fields). */
function rejectedLine(sequenceNumber: string, data: string): string {
  return JSON.stringify({ sequenceNumber, partitionKey: '1', arrival: 0, code: 'text_invalid', reason: 'invalid', data: base64(data) });
}

function streamRecord(i: number, data: string): StreamRecord {
  return eventSourceRecord('shardId-000000000000', {
    SequenceNumber: String(49_000_000_000_000_000_000n + BigInt(i)),
    ApproximateArrivalTimestamp: new Date(Date.UTC(2026, 6, 1) + i),
    Data: Buffer.from(data),
    PartitionKey: '1',
  }) as StreamRecord;
}

function failedBatch(records: readonly StreamRecord[]): string {
  return encodeFailedBatch(
    {
      shardId: 'shardId-000000000000',
      startSequenceNumber: records[0]?.kinesis.sequenceNumber as string,
      endSequenceNumber: records[records.length - 1]?.kinesis.sequenceNumber as string,
      condition: 'RetryAttemptsExhausted',
      records,
    },
    { streamArn: 'arn:aws:kinesis:eu-west-1:123456789012:stream/s', timestamp: '2026-07-01T00:00:00.000Z', invokeCount: 3 },
  );
}

/** Every version's bytes, current and noncurrent. */
function everyVersion(memory: MemoryS3): Buffer[] {
  return [...memory.objects.values(), ...[...memory.noncurrent.values()].flat()].map((object) => Buffer.from(object.body));
}

async function text(memory: MemoryS3, key: string): Promise<string> {
  const response = await memory.client().send(new GetObjectCommand({ Bucket: memory.bucket, Key: key }));
  return (await response.Body?.transformToString()) ?? '';
}

describe('recordNamesErased', () => {
  it.each([
    ['an event naming the actor with others', '{"actors":[1,7],"text":"hi"}', true],
    ['an event naming others', '{"actors":[1,17,70],"text":"7 said 7"}', false],
    ['actors as digit strings (rejected for it)', '{"actors":["7"],"text":"x"}', true],
    ['no actors array: the id standing alone anywhere', '{"actor":7,"text":"x"}', true],
    ['not JSON, naming the id', 'player 7 logged in', true],
    ['not JSON, the id only inside longer numbers', 'player 17 at 1782864000007', false],
  ])('%s', (_, data, names) => {
    expect(recordNamesErased(base64(data), ERASED)).toBe(names);
  });
});

describe('purging rejected records and failed batches', () => {
  const rejected: RecordStore = { kind: 'rejected', bucket: 'tales-test', prefix: layout.rejectedPrefix() };
  const failures: RecordStore = { kind: 'failed-batches', bucket: 'tales-test', prefix: 'aws/lambda/', versioned: true };
  const rejectedKey = layout.rejectedKey(20_635, 'shardId-000000000000', '49000000000000000000000');
  const batchKey = 'aws/lambda/mapping/shardId-000000000000/2026/07/01/batch-1';
  const goneKey = 'aws/lambda/mapping/shardId-000000000000/2026/07/01/batch-0';

  /** A rejected object with two lines naming actor 7 among others, and a versioned failure destination whose every version holds some. */
  async function seeded() {
    const data = new MemoryS3('tales-test');
    const failed = new MemoryS3('tales-test', { versioned: true });
    const lines = [
      rejectedLine('1', `{"actors":[7],"text":"${'x'.repeat(70_000)}${MARKER}"}`),
      rejectedLine('2', '{"actors":[1],"text":"kept, rejected for its own reasons"}'),
      rejectedLine('3', `not json: ${MARKER} from 7`),
    ];
    data.put(rejectedKey, Buffer.from(lines.map((line) => `${line}\n`).join('')));
    const kept = [streamRecord(1, '{"actors":[1],"text":"kept one"}'), streamRecord(3, '{"actors":[2],"text":"kept two"}')];
    const erased = [streamRecord(0, `{"actors":[1,7],"text":"${MARKER} to 1"}`), streamRecord(2, `{"actors":[7],"text":"${MARKER}"}`)];
    // An object written twice (both versions hold the erased actor), and one a replay removed (a noncurrent version stays).
    failed.put(batchKey, Buffer.from(failedBatch([...erased.slice(0, 1), ...kept.slice(0, 1)])));
    failed.put(batchKey, Buffer.from(failedBatch([erased[0], kept[0], erased[1], kept[1]] as StreamRecord[])));
    failed.put(goneKey, Buffer.from(failedBatch(erased.slice(1))));
    await failed.client().send(new PutObjectCommand({ Bucket: failed.bucket, Key: 'aws/lambda/other', Body: failedBatch(kept) }));
    await failed.client().send(new DeleteObjectCommand({ Bucket: failed.bucket, Key: goneKey }));
    // The other records as tales replay reads them.
    return { data, failed, lines, kept: decodeFailedBatch(failedBatch(kept), 'kept').records };
  }

  it('leaves no record naming the actor in any object or version, and every other record as it was', async () => {
    const { data, failed, lines, kept } = await seeded();
    expect(await purgeRecords(data.client(), rejected, ERASED)).toEqual({ kind: 'rejected', rewritten: 1, versionsDeleted: 0, records: 2 });
    expect(await text(data, rejectedKey)).toBe(`${lines[1]}\n`);
    const report = await purgeRecords(failed.client(), failures, ERASED);
    expect(report).toEqual({ kind: 'failed-batches', rewritten: 1, versionsDeleted: 3, records: 4 });
    // The rewritten batch still decodes for tales replay, with the other records whole.
    expect(decodeFailedBatch(await text(failed, batchKey), batchKey).records).toEqual(kept);
    for (const bytes of [...everyVersion(data), ...everyVersion(failed)]) expect(bytes.includes(MARKER)).toBe(false);
    // A rerun finds nothing more.
    expect(await purgeRecords(data.client(), rejected, ERASED)).toMatchObject({ rewritten: 0, records: 0 });
    expect(await purgeRecords(failed.client(), failures, ERASED)).toMatchObject({ rewritten: 0, versionsDeleted: 0, records: 0 });
  });

  it('ends with no trace and nothing lost for other records after a crash at any S3 call and a rerun', async () => {
    const probe = await seeded();
    const counting = faultyS3(probe.failed.client());
    counting.arm();
    await purgeRecords(counting.s3, failures, ERASED);
    const calls = counting.sent.length;
    expect(calls).toBeGreaterThan(5);
    for (let call = 1; call <= calls; call++) {
      for (const lost of ['request', 'response'] as const) {
        const { failed, kept } = await seeded();
        const faulty = faultyS3(failed.client());
        faulty.arm({ call, lost, crash: true });
        await expect(purgeRecords(faulty.s3, failures, ERASED)).rejects.toThrow(InjectedFault);
        await purgeRecords(failed.client(), failures, ERASED);
        for (const bytes of everyVersion(failed)) expect(bytes.includes(MARKER)).toBe(false);
        expect(decodeFailedBatch(await text(failed, batchKey), batchKey).records).toEqual(kept);
        expect(decodeFailedBatch(await text(failed, 'aws/lambda/other'), 'aws/lambda/other').records).toEqual(kept);
      }
    }
  });
});
