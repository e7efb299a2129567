import { type HttpResponse, jsonResponse } from '../http/response';
import type { IngestResult } from './types';

/**
 * 202 when every event is in the stream; 400 when no event is valid (the caller's doing, each named
 * with its code, as in a 207); else 207 naming each event that is not in the stream (the others are).
 */
export function ingestResponse({ valid, accepted, failed }: IngestResult): HttpResponse {
  if (failed.length === 0) return jsonResponse(202, { accepted });
  if (valid === 0) {
    const message = `no event of the request is valid (${failed.length} invalid); failed names each with its code`;
    return jsonResponse(400, { error: { code: 'no_valid_events', message }, accepted, failed });
  }
  return jsonResponse(207, { accepted, failed });
}
