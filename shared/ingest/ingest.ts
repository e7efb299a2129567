import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { encodeRecord } from '../kinesis/record';
import { parseBody } from './parse-body';
import { type SendOptions, sendRecords } from './send-records';
import type { IngestRequest, IngestResult, IngestSettings } from './types';
import { validateEvents } from './validate-events';

export interface IngestContext extends SendOptions {
  readonly kinesis: KinesisClient;
  /** Server time the request arrived: stamped on events without a time, and the centre of the skew window. */
  readonly receivedAt: number;
}

/**
 * Handles one `POST /events` body: parse, validate each event, write the valid ones to Kinesis. Valid
 * events are written even when others in the same request are invalid; the result names every event
 * that is not in the stream, so a caller can resend exactly those.
 */
export async function ingestEvents(request: IngestRequest, settings: IngestSettings, context: IngestContext): Promise<IngestResult> {
  const items = parseBody(request, settings);
  const { kinesis, receivedAt, ...send } = context;
  const { valid, invalid } = validateEvents(items, {
    defaultTime: receivedAt,
    window: { now: receivedAt, pastMs: settings.skewPastMs, futureMs: settings.skewFutureMs },
  });
  const pending = valid.map(({ index, event }) => ({ index, record: encodeRecord(event) }));
  const unsent = pending.length > 0 ? await sendRecords(kinesis, settings.streamName, pending, send) : [];
  const failed = [...invalid, ...unsent].sort((a, b) => a.index - b.index);
  return { valid: pending.length, accepted: pending.length - unsent.length, failed };
}
