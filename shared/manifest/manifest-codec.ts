import { withKey } from '../codec/errors';
import type { Manifest } from './manifest';
import { decodeBinaryManifest, encodeBinaryManifest, isBinaryManifest } from './manifest-binary';
import { decodeJsonManifest } from './manifest-json';

export const MANIFEST_CONTENT_TYPE = 'application/octet-stream';

/** A manifest as the writer stores it: the binary form. */
export function encodeManifest(manifest: Manifest): Uint8Array {
  return encodeBinaryManifest(manifest);
}

/**
 * A stored manifest in either form: binary (its magic first) or JSON (written before it, and still
 * found in writer-days begun then, which the writer rewrites in binary at its next chunk). A short
 * binary manifest is a TruncatedError naming `key`, any other fault a CorruptError naming it.
 */
export function decodeManifest(bytes: Uint8Array, key: string): Manifest {
  if (isBinaryManifest(bytes)) return withKey(key, () => decodeBinaryManifest(bytes));
  return decodeJsonManifest(new TextDecoder().decode(bytes), key);
}
