import { decodeStoredJson, jsonObject, jsonString } from '../codec/json-fields';
import { dayName, parseDayName } from '../layout/day';
import { checkGeneration, checkWriter } from '../layout/keys';

export const SOURCES_FORMAT = 'tales.compact-sources';

/** A re-encoded day's source chunks: each writer's chunks seq 0.. in order, by ETag. The sweep deletes them at these ETags. */
export interface DaySources {
  readonly day: number;
  readonly generation: string;
  readonly writers: readonly { readonly writer: string; readonly etags: readonly string[] }[];
}

export function encodeDaySources(sources: DaySources): string {
  return JSON.stringify({ format: SOURCES_FORMAT, version: 1, ...sources, day: dayName(sources.day) });
}

/** Parses and validates a stored sources object; any fault is a CorruptError naming `key`. */
export function decodeDaySources(text: string, key: string): DaySources {
  return decodeStoredJson(text, key, 'compacted-day sources', (value) => {
    const root = jsonObject(value, 'sources');
    if (root.format !== SOURCES_FORMAT) throw new Error(`format is ${JSON.stringify(root.format)}, expected "${SOURCES_FORMAT}"`);
    if (root.version !== 1) throw new Error(`unsupported version ${JSON.stringify(root.version)}`);
    if (!Array.isArray(root.writers)) throw new Error('writers must be an array');
    return {
      day: parseDayName(jsonString(root, 'day')),
      generation: checkGeneration(jsonString(root, 'generation')),
      writers: root.writers.map((entry, i) => {
        const object = jsonObject(entry, `writer ${i}`);
        const etags = object.etags;
        if (!Array.isArray(etags) || !etags.every((etag) => typeof etag === 'string')) throw new Error(`writer ${i} etags must be strings`);
        return { writer: checkWriter(jsonString(object, 'writer', `writer ${i} `)), etags: etags as string[] };
      }),
    };
  });
}
