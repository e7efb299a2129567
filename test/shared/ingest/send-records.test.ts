import {
  KinesisClient,
  ProvisionedThroughputExceededException,
  PutRecordsCommand,
  type PutRecordsCommandInput,
  type PutRecordsResultEntry,
  ResourceNotFoundException,
} from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { type PendingRecord, type SendOptions, sendRecords } from '../../../shared/ingest/send-records';
import { encodeRecord } from '../../../shared/kinesis/record';

const kinesis = new KinesisClient({ region: 'us-east-1' });
const mock = mockClient(kinesis);
const decoder = new TextDecoder();

function pending(count: number, text = (i: number) => `event ${i}`): PendingRecord[] {
  return Array.from({ length: count }, (_, index) => ({
    index,
    record: encodeRecord({ time: 1, actors: [index % 3], text: text(index) }),
  }));
}

/** A fake clock that only moves when the sender sleeps. */
function fakeTime(start = 1_000) {
  let now = start;
  const delays: number[] = [];
  const options: Pick<SendOptions, 'now' | 'sleep' | 'random'> = {
    now: () => now,
    sleep: async (ms) => {
      delays.push(ms);
      now += ms;
    },
    random: () => 0.5,
  };
  return { options, delays, advance: (ms: number) => (now += ms) };
}

/** The text of each record of each PutRecords call the mock received. */
function calls(): string[][] {
  return mock.commandCalls(PutRecordsCommand).map((c) => (c.args[0].input.Records ?? []).map((r) => decoder.decode(r.Data)));
}

const ok = (i: number): PutRecordsResultEntry => ({ SequenceNumber: String(i), ShardId: 'shardId-000000000000' });
const throttled: PutRecordsResultEntry = { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded' };

describe('sendRecords', () => {
  beforeEach(() => mock.reset());

  it('sends in calls of at most 500 records, in request order', async () => {
    mock.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => ({ Records: (input.Records ?? []).map((_, i) => ok(i)) }));
    const time = fakeTime();
    expect(await sendRecords(kinesis, 's', pending(1201), { deadline: 10_000, ...time.options })).toEqual([]);
    const texts = calls();
    expect(texts.map((c) => c.length)).toEqual([500, 500, 201]);
    expect(texts.flat().map((t) => JSON.parse(t).text)).toEqual(Array.from({ length: 1201 }, (_, i) => `event ${i}`));
  });

  it('retries only the records Kinesis failed, ahead of later ones, after a jittered backoff', async () => {
    mock
      .on(PutRecordsCommand)
      .resolvesOnce({ FailedRecordCount: 2, Records: [ok(0), throttled, ok(2), { ErrorCode: 'InternalFailure' }, ok(4)] })
      .resolvesOnce({ Records: [ok(5), ok(6)] });
    const time = fakeTime();
    expect(await sendRecords(kinesis, 's', pending(5), { deadline: 10_000, baseDelayMs: 50, ...time.options })).toEqual([]);
    expect(calls().map((c) => c.map((t) => JSON.parse(t).text))).toEqual([
      ['event 0', 'event 1', 'event 2', 'event 3', 'event 4'],
      ['event 1', 'event 3'],
    ]);
    expect(time.delays).toEqual([25]);
  });

  it('retries a whole call Kinesis throttled, with growing delays', async () => {
    const error = new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: {} });
    mock
      .on(PutRecordsCommand)
      .rejectsOnce(error)
      .rejectsOnce(error)
      .resolves({ Records: [ok(0), ok(1)] });
    const time = fakeTime();
    expect(await sendRecords(kinesis, 's', pending(2), { deadline: 10_000, baseDelayMs: 100, ...time.options })).toEqual([]);
    expect(calls()).toHaveLength(3);
    expect(time.delays).toEqual([50, 100]);
  });

  it('reports records still failing when their attempts run out, with the last reason', async () => {
    mock.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => ({
      Records: (input.Records ?? []).map((r) => (decoder.decode(r.Data).includes('event 1') ? throttled : ok(0))),
    }));
    const time = fakeTime();
    const failed = await sendRecords(kinesis, 's', pending(3), { deadline: 1e12, maxAttempts: 4, ...time.options });
    expect(failed).toEqual([{ index: 1, code: 'kinesis_throttled', message: 'the stream is over its throughput; retry later' }]);
    expect(calls().map((c) => c.length)).toEqual([3, 1, 1, 1]);
  });

  it('retries a throttled partial failure in exactly the documented 8 calls by default, keeping order', async () => {
    mock.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => ({
      Records: (input.Records ?? []).map((r) => (decoder.decode(r.Data).includes('event 1') ? throttled : ok(0))),
    }));
    const failed = await sendRecords(kinesis, 's', pending(3), { deadline: 1e12, ...fakeTime().options });
    expect(failed).toEqual([{ index: 1, code: 'kinesis_throttled', message: 'the stream is over its throughput; retry later' }]);
    expect(calls().map((c) => c.map((t) => JSON.parse(t).text))).toEqual([
      ['event 0', 'event 1', 'event 2'],
      ...Array(7).fill(['event 1']),
    ]);
  });

  it('stops at the deadline and reports every record not yet written', async () => {
    mock.on(PutRecordsCommand).resolves({ Records: [throttled, ok(1), throttled] });
    const time = fakeTime(1_000);
    const failed = await sendRecords(kinesis, 's', pending(3), { deadline: 1_040, baseDelayMs: 100, ...time.options });
    expect(failed.map((f) => [f.index, f.code])).toEqual([
      [0, 'kinesis_throttled'],
      [2, 'kinesis_throttled'],
    ]);
    expect(calls()).toHaveLength(1);
  });

  it('sends nothing when the deadline has passed', async () => {
    const time = fakeTime(5_000);
    const failed = await sendRecords(kinesis, 's', pending(2), { deadline: 5_000, ...time.options });
    expect(failed).toEqual([
      { index: 0, code: 'kinesis_timeout', message: 'no time was left to write the record; retry later' },
      { index: 1, code: 'kinesis_timeout', message: 'no time was left to write the record; retry later' },
    ]);
    expect(calls()).toHaveLength(0);
  });

  it('throws a fault of the deployment instead of retrying it', async () => {
    mock.on(PutRecordsCommand).rejects(new ResourceNotFoundException({ message: 'Stream s not found', $metadata: {} }));
    await expect(sendRecords(kinesis, 's', pending(2), { deadline: 10_000, ...fakeTime().options })).rejects.toThrow('Stream s not found');
  });

  it('under any pattern of failures, writes each record at most once and reports exactly the ones not written (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 40 }),
        fc.infiniteStream(
          fc.constantFrom<'ok' | 'throttled' | 'internal' | 'rejected' | 'call-throttled'>(
            'ok',
            'ok',
            'throttled',
            'internal',
            'rejected',
            'call-throttled',
          ),
        ),
        fc.integer({ min: 1, max: 6 }),
        async (count, decisions, maxAttempts) => {
          mock.reset();
          const stream: string[] = [];
          const next = decisions[Symbol.iterator]();
          mock.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => {
            if (next.next().value === 'call-throttled')
              throw new ProvisionedThroughputExceededException({ message: 'slow', $metadata: {} });
            return {
              Records: (input.Records ?? []).map((r) => {
                const decision = next.next().value;
                if (decision === 'throttled') return throttled;
                if (decision === 'internal') return { ErrorCode: 'InternalFailure' };
                if (decision === 'rejected') return { ErrorCode: 'KMSDisabledException' };
                stream.push(decoder.decode(r.Data));
                return ok(stream.length);
              }),
            };
          });
          const records = pending(count, (i) => `unique ${i}`);
          const failed = await sendRecords(kinesis, 's', records, { deadline: 1e12, maxAttempts, ...fakeTime().options });
          const written = stream.map((t) => JSON.parse(t).text as string);
          expect(new Set(written).size).toBe(written.length);
          const failedIndexes = failed.map((f) => f.index);
          expect(failedIndexes).toEqual([...failedIndexes].sort((a, b) => a - b));
          expect(new Set([...written.map((t) => Number(t.slice(7))), ...failedIndexes]).size).toBe(count);
          expect(written.length + failed.length).toBe(count);
        },
      ),
      { numRuns: 150 },
    );
  });
});
