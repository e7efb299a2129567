import { createCipheriv } from 'node:crypto';

/**
 * Whether this process can use DES, which s3rver's paginated listing needs for its continuation
 * tokens; OpenSSL 3 has it only with `node --openssl-legacy-provider` (npm start and npm run demo pass it).
 */
export function hasLegacyOpenssl(): boolean {
  try {
    createCipheriv('des', Buffer.alloc(8), Buffer.alloc(8));
    return true;
  } catch {
    return false;
  }
}
