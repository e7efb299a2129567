import { describe, expect, it } from 'vitest';
import { BatchShapeError } from '../../../shared/writer/errors';
import { type StreamRecord, writerOfBatch } from '../../../shared/writer/stream-record';

function record(eventID: string, sequenceNumber: string, approximateArrivalTimestamp = 1_700_000_000.5): StreamRecord {
  return { eventID, kinesis: { sequenceNumber, partitionKey: '1', data: '', approximateArrivalTimestamp } };
}

describe('writerOfBatch', () => {
  it('names the shard of the records', () => {
    expect(writerOfBatch([record('shardId-000000000003:10', '10'), record('shardId-000000000003:9000', '9000')])).toBe(
      'shardId-000000000003',
    );
  });

  it.each([
    ['no records', [], 'an empty batch has no writer'],
    [
      'two shards',
      [record('shardId-000000000000:1', '1'), record('shardId-000000000001:2', '2')],
      'batch mixes shards shardId-000000000000 and shardId-000000000001',
    ],
    ['sequence numbers out of order', [record('shardId-0:20', '20'), record('shardId-0:3', '3')], 'sequence number 3 does not follow 20'],
    ['a repeated sequence number', [record('shardId-0:5', '5'), record('shardId-0:5', '5')], 'sequence number 5 does not follow 5'],
    ['a sequence number that is not a number', [record('shardId-0:x1', 'x1')], 'invalid sequence number "x1"'],
    ['an event id without a colon', [record('shardId-0', '1')], 'event id "shardId-0" is not "<shard id>:1"'],
    ['an event id naming another record', [record('shardId-0:2', '1')], 'event id "shardId-0:2" is not "<shard id>:1"'],
    [
      'a shard id that could escape its folder',
      [record('../x:1', '1')],
      'event id "../x:1" names an invalid writer id "../x" (letters, digits, _ . - only)',
    ],
    ['an arrival that is not a time', [record('s:1', '1', Number.NaN)], 'record 1 has an invalid arrival timestamp NaN'],
    ['a negative arrival', [record('s:1', '1', -1)], 'record 1 has an invalid arrival timestamp -1'],
  ])('refuses %s', (_, records, message) => {
    expect(() => writerOfBatch(records)).toThrow(new BatchShapeError(message));
  });
});
