import { QueryInputError } from './errors';
import { DEFAULT_BUCKETS, MAX_BUCKETS } from './limits';
import { checkParameters, clip, optionalTime, parseActors, type QueryParameters, type RequestOptions, resolveBounds } from './request';
import { parseContains } from './text-filter';

/** A validated `GET /events/counts`: the `/events` query's actors, bounds and filter, cut into `buckets` equal spans. */
export interface CountsRequest {
  readonly actors: readonly number[];
  readonly from: number;
  readonly to: number;
  readonly buckets: number;
  readonly contains?: string;
}

const PARAMETERS = ['actors', 'from', 'to', 'buckets', 'contains'];

/** Validates the query string of `GET /events/counts` with the rules (and messages) of `GET /events`. */
export function parseCountsRequest(params: QueryParameters, options: RequestOptions): CountsRequest {
  checkParameters(params, PARAMETERS);
  const actors = parseActors(params.actors);
  const contains = parseContains(params.contains);
  const buckets = parseBuckets(params.buckets);
  const bounds = resolveBounds(optionalTime(params, 'from', options.now), optionalTime(params, 'to', options.now), options);
  return { actors, ...bounds, buckets, ...(contains !== undefined ? { contains } : {}) };
}

function parseBuckets(value: string | undefined): number {
  if (value === undefined) return DEFAULT_BUCKETS;
  const buckets = Number(value);
  if (!/^\d{1,7}$/.test(value) || buckets < 1 || buckets > MAX_BUCKETS) {
    throw new QueryInputError('buckets_invalid', `buckets must be an integer in 1..${MAX_BUCKETS} (got "${clip(value)}")`);
  }
  return buckets;
}
