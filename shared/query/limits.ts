import { MAX_ACTORS_PER_EVENT } from '../event/limits';
import { DAY_MS } from '../layout/day';

/** Actors one query may AND together: no event carries more, so a longer list could never match. */
export const MAX_QUERY_ACTORS = MAX_ACTORS_PER_EVENT;
export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;
/** When `from` is omitted it lies this far before `to`. */
export const DEFAULT_WINDOW_MS = DAY_MS;
/** Longest cursor accepted; ours are about 150 characters. */
export const MAX_CURSOR_CHARS = 512;
/** Longest `contains=` text accepted: a search phrase, not a document. */
export const MAX_CONTAINS_CHARS = 256;
/** Most buckets one `/events/counts` answer may have. */
export const MAX_BUCKETS = 1000;
/** Buckets of `/events/counts` when `buckets` is omitted. */
export const DEFAULT_BUCKETS = 60;
