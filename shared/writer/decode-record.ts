import { jsonShape } from '../codec/json-shape';
import { decodeUtf8 } from '../event/decode-utf8';
import { type EventErrorCode, EventValidationError } from '../event/errors';
import { MAX_JSON_DEPTH } from '../event/limits';
import type { TalesEvent } from '../event/types';
import { validateEvent } from '../event/validate';
import type { StreamRecord } from './stream-record';

/** Why a record was rejected: an event validation code, `not_json` when the data does not parse, `json_too_deep` past the nesting limit. */
export type RejectCode = EventErrorCode | 'not_json' | 'json_too_deep';

export interface AcceptedRecord {
  readonly kind: 'event';
  readonly sequenceNumber: string;
  readonly event: TalesEvent;
}

/** A record that cannot become an event, kept whole (base64 data as received) with the reason. */
export interface RejectedRecord {
  readonly kind: 'rejected';
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  /** Kinesis arrival time, epoch ms. */
  readonly arrival: number;
  readonly code: RejectCode;
  readonly reason: string;
  readonly data: string;
}

export type DecodedRecord = AcceptedRecord | RejectedRecord;

/**
 * Decodes one record's data (UTF-8 JSON `{"actors":[…],"text":"…","time":<epoch ms>}`) into an event.
 * `time` defaults to the record's arrival. No skew window applies here: the ingest edge enforces it,
 * and a record already in the stream is accepted at any valid time.
 */
export function decodeRecord(record: StreamRecord): DecodedRecord {
  const { sequenceNumber, partitionKey, data } = record.kinesis;
  const arrival = arrivalOf(record);
  try {
    const text = decodeUtf8(Buffer.from(data, 'base64'), 'record data');
    const event = validateEvent(parseJson(text), { defaultTime: arrival });
    return { kind: 'event', sequenceNumber, event };
  } catch (error) {
    if (!(error instanceof EventValidationError || error instanceof NotJsonError)) throw error;
    return { kind: 'rejected', sequenceNumber, partitionKey, arrival, code: error.code, reason: error.message, data };
  }
}

/** Kinesis gives the arrival in seconds with a fraction; events are in integer milliseconds. */
function arrivalOf(record: StreamRecord): number {
  return Math.round(record.kinesis.approximateArrivalTimestamp * 1000);
}

class NotJsonError extends Error {
  constructor(
    readonly code: 'not_json' | 'json_too_deep',
    message: string,
  ) {
    super(message);
  }
}

function parseJson(text: string): unknown {
  if (jsonShape(text, MAX_JSON_DEPTH).depth > MAX_JSON_DEPTH) {
    throw new NotJsonError('json_too_deep', `record data nests deeper than ${MAX_JSON_DEPTH} levels`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new NotJsonError('not_json', `record data is not JSON (${(error as Error).message})`);
  }
}
