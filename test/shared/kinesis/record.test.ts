import { describe, expect, it } from 'vitest';
import { encodeRecord } from '../../../shared/kinesis/record';

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('encodeRecord', () => {
  it('writes the design schema, fields in order, time always present', () => {
    const record = encodeRecord({ time: 1_700_000_000_000, actors: [12345, 67890], text: 'Player attacked monster' });
    expect(decode(record.data)).toBe('{"actors":[12345,67890],"text":"Player attacked monster","time":1700000000000}');
  });

  it('keys the record by the first actor as a decimal string', () => {
    expect(encodeRecord({ time: 0, actors: [4_294_967_295, 1], text: '' }).partitionKey).toBe('4294967295');
    expect(encodeRecord({ time: 0, actors: [0], text: '' }).partitionKey).toBe('0');
  });

  it('encodes text as UTF-8 JSON and counts data and key bytes in its size', () => {
    const record = encodeRecord({ time: 5, actors: [77], text: 'é"\n🎲' });
    expect(JSON.parse(decode(record.data))).toEqual({ actors: [77], text: 'é"\n🎲', time: 5 });
    expect(record.size).toBe(record.data.length + 2);
  });
});
