import { decodeUtf8 } from '../event/decode-utf8';
import { type EventErrorCode, EventValidationError } from '../event/errors';
import type { TalesEvent } from '../event/types';
import { validateEvent } from '../event/validate';
import type { StreamRecord } from './stream-record';

/** Why a record was rejected: an event validation code, or `not_json` when the data does not parse. */
export type RejectCode = EventErrorCode | 'not_json';

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
    const code = error instanceof NotJsonError ? 'not_json' : error.code;
    return { kind: 'rejected', sequenceNumber, partitionKey, arrival, code, reason: error.message, data };
  }
}

/** Kinesis gives the arrival in seconds with a fraction; events are in integer milliseconds. */
function arrivalOf(record: StreamRecord): number {
  return Math.round(record.kinesis.approximateArrivalTimestamp * 1000);
}

class NotJsonError extends Error {}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new NotJsonError(`record data is not JSON (${(error as Error).message})`);
  }
}
