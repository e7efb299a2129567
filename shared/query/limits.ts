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
/**
 * Most bytes the events of one page may take in the Lambda response that carries it (see responseBytes).
 * A Function URL's buffered response is at most 6 MiB; this leaves ample room for the rest of the answer,
 * and a single largest event (a 64 KiB frame of control characters, about 450 KiB) always fits.
 */
export const MAX_PAGE_BYTES = 4 * 1024 * 1024;
/** Longest `contains=` text accepted: a search phrase, not a document. */
export const MAX_CONTAINS_CHARS = 256;
/** Most buckets one `/events/counts` answer may have. */
export const MAX_BUCKETS = 1000;
/** Buckets of `/events/counts` when `buckets` is omitted. */
export const DEFAULT_BUCKETS = 60;
