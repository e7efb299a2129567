import {
  KinesisClient,
  PutRecordsCommand,
  type PutRecordsCommandInput,
  type PutRecordsResultEntry,
  ResourceNotFoundException,
} from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createKinesisClient } from '../../../shared/aws/kinesis-client';
import { type CallReport, CLIENT_MAX_ATTEMPTS, putWithRetries } from '../../../shared/kinesis/put-with-retries';
import { encodeRecord, type OutgoingRecord } from '../../../shared/kinesis/record';
import { type FailingKinesis, startFailingKinesis } from '../../support/failing-kinesis';

const decoder = new TextDecoder();
const ok: PutRecordsResultEntry = { SequenceNumber: '1', ShardId: 'shardId-000000000000' };
const throttled: PutRecordsResultEntry = { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded' };
const THROTTLED = { code: 'kinesis_throttled', message: 'the stream is over its throughput; retry later', retryable: true };

interface Item {
  readonly name: string;
  readonly record: OutgoingRecord;
}

const items = (count: number): Item[] =>
  Array.from({ length: count }, (_, i) => ({ name: `e${i}`, record: encodeRecord({ time: 1, actors: [i % 2], text: `e${i}` }) }));
const textsOf = (input: PutRecordsCommandInput) => (input.Records ?? []).map((r) => JSON.parse(decoder.decode(r.Data)).text as string);
const noWait = { baseDelayMs: 0, maxDelayMs: 0, sleep: async () => {} };

describe('putWithRetries', () => {
  const kinesis = new KinesisClient({ region: 'us-east-1' });
  const mock = mockClient(kinesis);
  beforeEach(() => mock.reset());

  /** Kinesis throttling the records whose text is in `refused` on every call, and writing the others. */
  function refusing(...refused: string[]): string[] {
    const written: string[] = [];
    mock.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => ({
      FailedRecordCount: textsOf(input).filter((t) => refused.includes(t)).length,
      Records: textsOf(input).map((text) => {
        if (refused.includes(text)) return throttled;
        written.push(text);
        return ok;
      }),
    }));
    return written;
  }

  it('retries a throttled partial failure exactly maxAttempts calls, in order, and names the records given up', async () => {
    const written = refusing('e1', 'e3');
    const reports: CallReport<Item>[] = [];
    const givenUp = await putWithRetries(kinesis, 's', items(5), { maxAttempts: 4, ...noWait, onCall: (r) => reports.push(r) });
    expect(mock.commandCalls(PutRecordsCommand).map((c) => textsOf(c.args[0].input))).toEqual([
      ['e0', 'e1', 'e2', 'e3', 'e4'],
      ['e1', 'e3'],
      ['e1', 'e3'],
      ['e1', 'e3'],
    ]);
    expect(written).toEqual(['e0', 'e2', 'e4']);
    expect(givenUp.map(({ item, failure }) => [item.name, failure])).toEqual([
      ['e1', THROTTLED],
      ['e3', THROTTLED],
    ]);
    expect(reports.map((r) => [r.sent.length, r.retried.map((x) => `${x.item.name}#${x.attempts}`), r.failed.length])).toEqual([
      [3, ['e1#1', 'e3#1'], 0],
      [0, ['e1#2', 'e3#2'], 0],
      [0, ['e1#3', 'e3#3'], 0],
      [0, [], 2],
    ]);
  });

  it('puts retried records ahead of later ones, within the batch limits', async () => {
    let call = 0;
    mock.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => {
      call++;
      return { Records: textsOf(input).map((text) => (call === 1 && text === 'e1' ? throttled : ok)) };
    });
    expect(await putWithRetries(kinesis, 's', items(4), { maxAttempts: 2, maxRecords: 2, ...noWait })).toEqual([]);
    expect(mock.commandCalls(PutRecordsCommand).map((c) => textsOf(c.args[0].input))).toEqual([['e0', 'e1'], ['e1', 'e2'], ['e3']]);
  });

  it('gives up the records left at the deadline, with their last failure, in input order', async () => {
    refusing('e0', 'e2');
    let now = 1_000;
    const givenUp = await putWithRetries(kinesis, 's', items(3), {
      maxAttempts: 100,
      baseDelayMs: 100,
      maxDelayMs: 100,
      random: () => 0.5,
      deadline: 1_120,
      now: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    });
    expect(mock.commandCalls(PutRecordsCommand)).toHaveLength(3);
    expect(givenUp.map(({ item, failure }) => [item.name, failure.code])).toEqual([
      ['e0', 'kinesis_throttled'],
      ['e2', 'kinesis_throttled'],
    ]);
  });

  it('throws a fault of the deployment after reporting what earlier calls settled', async () => {
    mock
      .on(PutRecordsCommand)
      .resolvesOnce({ Records: [ok] })
      .rejects(new ResourceNotFoundException({ message: 'Stream s not found', $metadata: {} }));
    const sent: string[] = [];
    const run = putWithRetries(kinesis, 's', items(2), {
      maxAttempts: 3,
      maxRecords: 1,
      ...noWait,
      onCall: (r) => sent.push(...r.sent.map((s) => s.item.name)),
    });
    await expect(run).rejects.toThrow('Stream s not found');
    expect(sent).toEqual(['e0']);
  });
});

describe('the SDK under the loop', () => {
  let server: FailingKinesis;
  beforeAll(async () => {
    server = await startFailingKinesis();
  });
  afterAll(() => server.close());

  async function requestsFor(kinesis: KinesisClient, maxAttempts: number): Promise<number> {
    const before = server.requests();
    try {
      const givenUp = await putWithRetries(kinesis, 's', items(2), { maxAttempts, ...noWait });
      expect(givenUp.map((g) => g.failure.code)).toEqual(['kinesis_unavailable', 'kinesis_unavailable']);
    } finally {
      kinesis.destroy();
    }
    return server.requests() - before;
  }

  it('makes one HTTP request per attempt with a client created for it', async () => {
    const kinesis = createKinesisClient({ endpoint: server.endpoint, maxAttempts: CLIENT_MAX_ATTEMPTS });
    expect(await requestsFor(kinesis, 3)).toBe(3);
  });

  it("would make the SDK's three requests per attempt with a default client: why the loop's clients set maxAttempts", async () => {
    expect(await requestsFor(createKinesisClient({ endpoint: server.endpoint }), 1)).toBe(3);
  });
});
