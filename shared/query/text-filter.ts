import { QueryInputError } from './errors';
import { MAX_CONTAINS_CHARS } from './limits';

/**
 * The `contains=` parameter: a substring the event text must hold, compared case-insensitively.
 * Absent or empty means no filter.
 */
export function parseContains(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (value.length > MAX_CONTAINS_CHARS) {
    throw new QueryInputError('contains_invalid', `contains is ${value.length} characters long, over the maximum of ${MAX_CONTAINS_CHARS}`);
  }
  return value;
}

/**
 * Whether a text holds `contains`, ignoring case: both sides go through toLowerCase (Unicode's
 * default case mapping, the same in every locale), so "ÉPÉE" holds "épée".
 */
export function textMatcher(contains: string | undefined): (text: string) => boolean {
  if (contains === undefined) return () => true;
  const needle = contains.toLowerCase();
  return (text) => text.toLowerCase().includes(needle);
}
