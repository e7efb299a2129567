/** A byte range of a source object. */
export interface Region {
  readonly key: string;
  readonly etag: string;
  readonly offset: number;
  readonly length: number;
}

/** One part of a multipart upload: copied server-side from one region, or uploaded from downloaded regions. */
export type Part = { readonly kind: 'copy'; readonly region: Region } | { readonly kind: 'upload'; readonly regions: readonly Region[] };

/** S3's multipart limits. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
export const MAX_PART_BYTES = 5 * 1024 * 1024 * 1024;
export const MAX_PARTS = 10_000;

/**
 * Plans the parts that concatenate `regions` in order. Every part but the last must reach
 * `minPart`: a region that large is copied server-side (UploadPartCopy), smaller ones are
 * downloaded and joined, and a large region that follows small ones lends them the bytes they
 * lack from its head so the rest of it can still be copied.
 */
export function planParts(regions: readonly Region[], minPart = MIN_PART_BYTES): Part[] {
  const parts: Part[] = [];
  let pending: Region[] = [];
  let pendingBytes = 0;
  for (const region of regions) {
    if (region.length > MAX_PART_BYTES) throw new RangeError(`region ${region.key} of ${region.length} bytes exceeds the 5 GiB part limit`);
    if (region.length === 0) continue;
    const lack = pendingBytes === 0 ? 0 : minPart - pendingBytes;
    if (region.length - lack >= minPart) {
      if (lack > 0) {
        parts.push({ kind: 'upload', regions: [...pending, { ...region, length: lack }] });
        pending = [];
        pendingBytes = 0;
      }
      parts.push({ kind: 'copy', region: { ...region, offset: region.offset + lack, length: region.length - lack } });
    } else {
      pending.push(region);
      pendingBytes += region.length;
      if (pendingBytes >= minPart) {
        parts.push({ kind: 'upload', regions: pending });
        pending = [];
        pendingBytes = 0;
      }
    }
  }
  if (pending.length > 0) parts.push({ kind: 'upload', regions: pending });
  if (parts.length > MAX_PARTS) throw new RangeError(`${parts.length} parts exceed S3's ${MAX_PARTS}`);
  return parts;
}
