import type { ManifestVersion } from '../manifest/read-manifest';

/** Writer-days a consumer instance keeps: a shard's today and yesterday, for the few shards it serves in turn. */
export const MANIFEST_CACHE_ENTRIES = 16;

/**
 * The writer-day manifests this process last wrote, each with the ETag S3 answered, so that the next
 * batch of the writer-day starts from it instead of a GET. An entry is only a guess: another instance
 * of the consumer may have written the writer-day since (Lambda sends a shard's batches to any of its
 * instances), which the conditional writes reveal, and the writer then reads the manifest again. An
 * entry is taken out while a batch uses it and put back only once that batch's manifest write succeeded.
 */
export class ManifestCache {
  private readonly entries = new Map<string, ManifestVersion>();

  constructor(private readonly capacity = MANIFEST_CACHE_ENTRIES) {}

  /** The manifest last written at `key`, removed from the cache. */
  take(key: string): ManifestVersion | undefined {
    const version = this.entries.get(key);
    this.entries.delete(key);
    return version;
  }

  /** Keeps `version` as the newest entry, dropping the least recently kept beyond the capacity. */
  keep(key: string, version: ManifestVersion): void {
    this.entries.delete(key);
    this.entries.set(key, version);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.capacity) break;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
