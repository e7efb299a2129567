import { type HttpResponse, jsonResponse } from '../http/response';
import type { IngestResult } from './types';

/** 202 when every event is in the stream; 207 naming each event that is not (the others are in). */
export function ingestResponse({ accepted, failed }: IngestResult): HttpResponse {
  if (failed.length === 0) return jsonResponse(202, { accepted });
  return jsonResponse(207, { accepted, failed });
}
