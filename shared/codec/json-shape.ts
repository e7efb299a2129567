/** How a JSON text is built, found without parsing it: nothing is allocated, so limits can be checked first. */
export interface JsonShape {
  /** Deepest nesting of arrays and objects, or `maxDepth + 1` once the scan passed `maxDepth` and stopped. */
  readonly depth: number;
  /** Items of the top-level array; 0 when the text is not an array. */
  readonly items: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_ARRAY = 0x5b;
const OPEN = new Set([OPEN_ARRAY, 0x7b]);
const CLOSE = new Set([0x5d, 0x7d]);
const SPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/**
 * Scans `text` (or its part from `start` to `end`) as JSON would be read, skipping strings. It does not validate: JSON.parse does that once the
 * shape is within limits, and for text that is not JSON the shape is only an estimate.
 */
export function jsonShape(text: string, maxDepth: number, start = 0, end = text.length): JsonShape {
  let depth = 0;
  let deepest = 0;
  let items = 0;
  let first = start;
  while (first < end && SPACE.has(text.charCodeAt(first))) first++;
  const topArray = text.charCodeAt(first) === OPEN_ARRAY && first < end;
  for (let i = first; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      for (i++; i < end && text.charCodeAt(i) !== QUOTE; i++) if (text.charCodeAt(i) === BACKSLASH) i++;
      if (topArray && depth === 1 && items === 0) items = 1;
    } else if (OPEN.has(c)) {
      if (topArray && depth === 1 && items === 0) items = 1;
      if (++depth > deepest) deepest = depth;
      if (deepest > maxDepth) return { depth: deepest, items };
    } else if (CLOSE.has(c)) {
      depth--;
    } else if (topArray && depth === 1) {
      if (c === COMMA) items++;
      else if (items === 0 && !SPACE.has(c)) items = 1;
    }
  }
  return { depth: deepest, items };
}
