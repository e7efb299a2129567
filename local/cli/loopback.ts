import { isIP } from 'node:net';

/**
 * Whether a URL's host name is this machine: `localhost`, or an IP literal in 127.0.0.0/8 or ::1.
 * Decided by parsing the address, so that a name such as `127.evil.example` is not taken for one.
 */
export function isLoopbackHost(hostname: string): boolean {
  if (hostname === 'localhost') return true;
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  const version = isIP(bare);
  if (version === 4) return bare.split('.')[0] === '127';
  return version === 6 && bare === '::1';
}
