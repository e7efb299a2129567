import {
  DeleteStreamCommand,
  KinesisClient,
  ProvisionedThroughputExceededException,
  PutRecordsCommand,
  type PutRecordsCommandInput,
  type PutRecordsCommandOutput,
  type PutRecordsResultEntry,
} from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProducerClosedError, ProducerFlushError } from '../../../shared/client/errors';
import { type FailedRecord, TalesProducer } from '../../../shared/client/producer';
import { EventValidationError } from '../../../shared/event/errors';
import { startFailingKinesis } from '../../support/failing-kinesis';
import { type LocalKinesis, startLocalKinesis } from '../../support/local-kinesis';
import { readStream } from '../../support/read-stream';

const NOW = Date.UTC(2026, 6, 1, 12);
const decoder = new TextDecoder();
const textsOf = (input: PutRecordsCommandInput) => (input.Records ?? []).map((r) => JSON.parse(decoder.decode(r.Data)).text as string);
const ok: PutRecordsResultEntry = { SequenceNumber: '1', ShardId: 'shardId-000000000000' };
const throttled: PutRecordsResultEntry = { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded' };
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('TalesProducer against kinesalite', () => {
  let local: LocalKinesis;
  beforeAll(async () => {
    local = await startLocalKinesis();
  });
  afterAll(() => local.stop());

  let streams = 0;
  async function withStream(test: (stream: string) => Promise<void>): Promise<void> {
    const stream = `producer-${++streams}`;
    await local.createStream(stream, 2);
    try {
      await test(stream);
    } finally {
      await local.kinesis.send(new DeleteStreamCommand({ StreamName: stream }));
    }
  }

  it('writes every logged event once, in order per partition key, in the record schema, in calls of up to 500', () =>
    withStream(async (stream) => {
      // A linger longer than the test: calls go out only when full or flushed, however slow the machine is.
      const producer = new TalesProducer({ streamName: stream, kinesis: local.kinesis, clock: () => NOW, lingerMs: 60_000 });
      const calls: number[] = [];
      producer.on('sent', (records) => calls.push(records.length));
      for (let i = 0; i < 1100; i++) expect(await producer.log(`event ${i}`, i % 13, 100_000 + i)).toBe(true);
      await producer.flush();
      expect(producer.buffered).toBe(0);
      expect(calls).toEqual([500, 500, 100]);

      const records = await readStream(local.kinesis, stream);
      expect(records).toHaveLength(1100);
      for (const record of records) {
        const event = JSON.parse(record.text);
        expect(record.text).toBe(`{"actors":[${event.actors.join(',')}],"text":"${event.text}","time":${NOW}}`);
        expect(record.partitionKey).toBe(String(event.actors[0]));
      }
      for (let key = 0; key < 13; key++) {
        const texts = records.filter((r) => r.partitionKey === String(key)).map((r) => JSON.parse(r.text).text);
        const expected = Array.from({ length: 1100 }, (_, i) => i)
          .filter((i) => i % 13 === key)
          .map((i) => `event ${i}`);
        expect(texts).toEqual(expected);
      }
    }));

  it('holds records for the linger time, and flush sends them at once and resolves when they are in the stream', () =>
    withStream(async (stream) => {
      const producer = new TalesProducer({ streamName: stream, kinesis: local.kinesis, lingerMs: 60_000 });
      await producer.log('a', 1);
      await producer.log({ text: 'b', actors: [2, 3], time: new Date(NOW) });
      await producer.log({ text: 'c', actors: [4], time: '2026-07-01T12:00:00.001Z' });
      await tick();
      expect(await readStream(local.kinesis, stream)).toEqual([]);
      await producer.flush();
      const events = (await readStream(local.kinesis, stream)).map((r) => JSON.parse(r.text));
      expect(events.map((e) => e.text).sort()).toEqual(['a', 'b', 'c']);
      expect(events.find((e) => e.text === 'b')).toEqual({ actors: [2, 3], text: 'b', time: NOW });
      expect(events.find((e) => e.text === 'c')?.time).toBe(NOW + 1);
      await producer.flush();
    }));

  it('sends lingering records without a flush once the linger time has passed', () =>
    withStream(async (stream) => {
      const producer = new TalesProducer({ streamName: stream, kinesis: local.kinesis, lingerMs: 5 });
      const sent = new Promise((resolve) => producer.once('sent', resolve));
      await producer.log('late', 1);
      await sent;
      expect((await readStream(local.kinesis, stream)).map((r) => JSON.parse(r.text).text)).toEqual(['late']);
    }));

  it('close writes what is buffered, then refuses to log; its own client is released', () =>
    withStream(async (stream) => {
      const producer = new TalesProducer({ streamName: stream, endpoint: local.endpoint, lingerMs: 60_000 });
      await producer.log('last', 7);
      await producer.close();
      await producer.close();
      expect((await readStream(local.kinesis, stream)).map((r) => JSON.parse(r.text).text)).toEqual(['last']);
      await expect(producer.log('after', 7)).rejects.toBeInstanceOf(ProducerClosedError);
    }));
});

describe("TalesProducer's own client", () => {
  it('makes one HTTP request per attempt: the SDK does not retry under the producer', async () => {
    const server = await startFailingKinesis();
    try {
      const producer = new TalesProducer({ streamName: 's', endpoint: server.endpoint, maxAttempts: 2, baseDelayMs: 0, maxDelayMs: 0 });
      await producer.log('a', 1);
      await expect(producer.close()).rejects.toThrow(new ProducerFlushError(1));
      expect(server.requests()).toBe(2);
    } finally {
      await server.close();
    }
  });
});

describe('TalesProducer with Kinesis faults', () => {
  const kinesis = new KinesisClient({ region: 'us-east-1' });
  const mock = mockClient(kinesis);
  beforeEach(() => mock.reset());

  const fast = { streamName: 's', kinesis, lingerMs: 0, baseDelayMs: 1, maxDelayMs: 2 };

  /** A Kinesis whose calls wait until the test releases them, one by one. */
  function gated() {
    const gates: (() => void)[] = [];
    const received: string[][] = [];
    mock.on(PutRecordsCommand).callsFake(async (input: PutRecordsCommandInput): Promise<Partial<PutRecordsCommandOutput>> => {
      received.push(textsOf(input));
      await new Promise<void>((resolve) => gates.push(resolve));
      return { Records: (input.Records ?? []).map(() => ok) };
    });
    return {
      received,
      async release() {
        while (gates.length === 0) await tick();
        gates.shift()?.();
        await tick();
      },
    };
  }

  it('rejects an invalid event without buffering it', async () => {
    const producer = new TalesProducer(fast);
    await expect(producer.log('a', 1, 1)).rejects.toThrow(new EventValidationError('actor_duplicate', 'actor 1 is named twice'));
    await expect(producer.log({ text: 'a', actors: [2 ** 32] })).rejects.toMatchObject({ code: 'actor_invalid' });
    expect(producer.buffered).toBe(0);
    expect(mock.commandCalls(PutRecordsCommand)).toHaveLength(0);
  });

  it('refuses a time in epoch seconds instead of logging it in 1970', async () => {
    const producer = new TalesProducer({ ...fast, clock: () => NOW });
    const seconds = NOW / 1000;
    await expect(producer.log({ text: 'a', actors: [1], time: seconds })).rejects.toThrow(
      new EventValidationError('time_invalid', `time ${seconds} looks like epoch seconds: times are epoch milliseconds (${NOW})`),
    );
    expect(await producer.log({ text: 'b', actors: [1], time: 1_000 })).toBe(true);
  });

  it("under 'block', log waits for room and the event keeps its place", async () => {
    const kinesis = gated();
    const producer = new TalesProducer({ ...fast, maxBufferedRecords: 2 });
    expect(await producer.log('a', 1)).toBe(true);
    expect(await producer.log('b', 1)).toBe(true);
    let logged: boolean | undefined;
    const waiting = producer.log('c', 1).then((result) => {
      logged = result;
    });
    await tick();
    expect(logged).toBeUndefined();
    await kinesis.release();
    await waiting;
    expect(logged).toBe(true);
    const flushed = producer.flush();
    await kinesis.release();
    await flushed;
    expect(kinesis.received).toEqual([['a'], ['b', 'c']]);
  });

  it("under 'drop', log refuses when full, says so and reports the event as dropped", async () => {
    const kinesis = gated();
    const producer = new TalesProducer({ ...fast, maxBufferedRecords: 2, whenFull: 'drop' });
    const dropped: string[] = [];
    producer.on('dropped', (event) => dropped.push(event.text));
    expect(await producer.log('a', 1)).toBe(true);
    expect(await producer.log('b', 1)).toBe(true);
    expect(await producer.log('c', 1)).toBe(false);
    expect(dropped).toEqual(['c']);
    const flushed = producer.flush();
    await kinesis.release();
    await kinesis.release();
    await flushed;
    expect(kinesis.received.flat()).toEqual(['a', 'b']);
  });

  it('flush waits only for what was logged before it', async () => {
    const kinesis = gated();
    const producer = new TalesProducer({ ...fast });
    await producer.log('before', 1);
    let flushed = false;
    const flush = producer.flush().then(() => {
      flushed = true;
    });
    await producer.log('after', 1);
    await tick();
    expect(flushed).toBe(false);
    await kinesis.release();
    await flush;
    expect(flushed).toBe(true);
    expect(producer.buffered).toBe(1);
    await kinesis.release();
    await producer.flush();
    expect(producer.buffered).toBe(0);
  });

  it('retries throttled calls and records, reporting each retry, until every record is written once', async () => {
    const written: string[] = [];
    let call = 0;
    mock.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => {
      call++;
      if (call === 1) throw new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} });
      return {
        Records: textsOf(input).map((text, i) => {
          if (call === 2 && i === 0) return throttled;
          written.push(text);
          return ok;
        }),
      };
    });
    const producer = new TalesProducer({ ...fast, lingerMs: 60_000 });
    const retried: string[][] = [];
    producer.on('retried', (records) => retried.push(records.map((r) => `${r.event.text}#${r.attempt}:${r.code}`)));
    await producer.log('x', 1);
    await producer.log('y', 2);
    await producer.flush();
    expect(written).toEqual(['y', 'x']);
    expect(retried).toEqual([['x#1:kinesis_throttled', 'y#1:kinesis_throttled'], ['x#2:kinesis_throttled']]);
    expect(mock.commandCalls(PutRecordsCommand).map((c) => textsOf(c.args[0].input))).toEqual([['x', 'y'], ['x', 'y'], ['x']]);
  });

  it('gives a record up after its attempts, reports it failed and rejects the flush', async () => {
    mock.on(PutRecordsCommand).resolves({ FailedRecordCount: 1, Records: [throttled] });
    const producer = new TalesProducer({ ...fast, maxAttempts: 3 });
    const failed: FailedRecord[] = [];
    producer.on('failed', (records) => failed.push(...records));
    await producer.log('doomed', 5);
    await expect(producer.flush()).rejects.toThrow(new ProducerFlushError(1));
    expect(failed).toEqual([
      { event: { time: expect.any(Number), actors: [5], text: 'doomed' }, code: 'kinesis_throttled', message: expect.any(String) },
    ]);
    expect(mock.commandCalls(PutRecordsCommand)).toHaveLength(3);
    await expect(producer.close()).resolves.toBeUndefined();
  });

  it('retries a throttled record in exactly the documented 10 calls by default, the others written once in order', async () => {
    const written: string[] = [];
    mock.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => ({
      Records: textsOf(input).map((text) => {
        if (text === 'b') return throttled;
        written.push(text);
        return ok;
      }),
    }));
    const producer = new TalesProducer({ ...fast, lingerMs: 60_000 });
    const failed: FailedRecord[] = [];
    producer.on('failed', (records) => failed.push(...records));
    for (const text of ['a', 'b', 'c']) await producer.log(text, 1);
    await expect(producer.flush()).rejects.toThrow(new ProducerFlushError(1));
    expect(mock.commandCalls(PutRecordsCommand).map((c) => textsOf(c.args[0].input))).toEqual([['a', 'b', 'c'], ...Array(9).fill(['b'])]);
    expect(written).toEqual(['a', 'c']);
    expect(failed.map((f) => [f.event.text, f.code])).toEqual([['b', 'kinesis_throttled']]);
  });

  it('fails records at once when the stream rejects the call for good', async () => {
    mock
      .on(PutRecordsCommand)
      .rejects(Object.assign(new Error('Stream s not found'), { name: 'ResourceNotFoundException', $fault: 'client' }));
    const producer = new TalesProducer(fast);
    const failed: FailedRecord[] = [];
    producer.on('failed', (records) => failed.push(...records));
    await producer.log('a', 1);
    await expect(producer.close()).rejects.toThrow(ProducerFlushError);
    expect(failed.map((f) => [f.code, f.message])).toEqual([['kinesis_rejected', 'ResourceNotFoundException: Stream s not found']]);
    expect(mock.commandCalls(PutRecordsCommand)).toHaveLength(1);
  });

  it('close reports records given up before it was called', async () => {
    mock.on(PutRecordsCommand).resolves({ FailedRecordCount: 1, Records: [{ ErrorCode: 'KMSDisabledException' }] });
    const producer = new TalesProducer(fast);
    const failed = new Promise((resolve) => producer.once('failed', resolve));
    await producer.log('a', 1);
    await failed;
    expect(producer.buffered).toBe(0);
    await expect(producer.close()).rejects.toThrow(new ProducerFlushError(1));
  });

  it('under any pattern of failures, writes each record at most once and reports every other one failed (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 60 }),
        fc.infiniteStream(fc.constantFrom('ok', 'ok', 'ok', 'throttled', 'internal', 'rejected', 'call-throttled')),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 25 }),
        async (count, decisions, maxAttempts, maxBatchRecords) => {
          mock.reset();
          const written: string[] = [];
          const next = decisions[Symbol.iterator]();
          mock.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => {
            expect(input.Records?.length).toBeLessThanOrEqual(maxBatchRecords);
            if (next.next().value === 'call-throttled')
              throw new ProvisionedThroughputExceededException({ message: 'slow', $metadata: {} });
            return {
              Records: textsOf(input).map((text) => {
                const decision = next.next().value;
                if (decision === 'throttled') return throttled;
                if (decision === 'internal') return { ErrorCode: 'InternalFailure' };
                if (decision === 'rejected') return { ErrorCode: 'KMSDisabledException' };
                written.push(text);
                return ok;
              }),
            };
          });
          const producer = new TalesProducer({ ...fast, maxAttempts, maxBatchRecords, baseDelayMs: 0, maxDelayMs: 0 });
          const failed: string[] = [];
          const sent: string[] = [];
          producer.on('failed', (records) => failed.push(...records.map((r) => r.event.text)));
          producer.on('sent', (records) => sent.push(...records.map((r) => r.event.text)));
          for (let i = 0; i < count; i++) await producer.log(`e${i}`, i % 4);
          try {
            await producer.close();
          } catch (error) {
            expect(error).toEqual(new ProducerFlushError(failed.length));
          }
          expect(new Set(written).size).toBe(written.length);
          expect(sent.sort()).toEqual([...written].sort());
          expect(new Set([...written, ...failed]).size).toBe(count);
          expect(written.length + failed.length).toBe(count);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('rejects unknown and out-of-range options, naming them', () => {
    expect(() => new TalesProducer({ ...fast, lingerMS: 5 } as never)).toThrow('unknown producer option "lingerMS"');
    expect(() => new TalesProducer({ ...fast, maxBatchRecords: 501 })).toThrow('maxBatchRecords must be an integer in 1..500 (given 501)');
    expect(() => new TalesProducer({ ...fast, maxBatchBytes: 5 * 1024 * 1024 + 1 })).toThrow(
      /maxBatchBytes must be an integer in 1\.\.5242880/,
    );
    expect(() => new TalesProducer({ ...fast, whenFull: 'wait' as never })).toThrow("whenFull must be 'block' or 'drop' (given wait)");
    expect(() => new TalesProducer({ ...fast, streamName: '' })).toThrow('streamName is required');
  });
});
