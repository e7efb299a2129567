import { describe, expect, it } from 'vitest';
import type { RejectedRecord } from '../../../shared/writer/decode-record';
import { encodeRejected } from '../../../shared/writer/rejected-object';

describe('encodeRejected', () => {
  it('writes one JSON line per record, in order, with a fixed field order', () => {
    const records: RejectedRecord[] = [
      { kind: 'rejected', sequenceNumber: '1', partitionKey: 'a', arrival: 5, code: 'not_json', reason: 'r"1', data: 'AAE=' },
      { kind: 'rejected', sequenceNumber: '2', partitionKey: 'b\n', arrival: 6, code: 'actors_empty', reason: 'r2', data: '' },
    ];
    expect(encodeRejected(records)).toBe(
      '{"sequenceNumber":"1","partitionKey":"a","arrival":5,"code":"not_json","reason":"r\\"1","data":"AAE="}\n' +
        '{"sequenceNumber":"2","partitionKey":"b\\n","arrival":6,"code":"actors_empty","reason":"r2","data":""}\n',
    );
    expect(encodeRejected([])).toBe('');
  });
});
