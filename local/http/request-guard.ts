import type { IncomingMessage } from 'node:http';
import { HttpError } from '../../shared/http/errors';

/** What a local server lets through besides same-machine SDK and CLI calls. */
export interface GuardRules {
  /** Whether pages served by this server (the explorer, at `/`) may call it; the emulators serve no page. */
  readonly ownPages: boolean;
  /** Media types a POST must declare. @default - any */
  readonly postTypes?: readonly string[];
}

/** Names a same-machine client may use for a server that listens on 127.0.0.1. */
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost'];
/** Sec-Fetch-Site values of a request that a page of the server's own origin, or the user, made. */
const OWN_FETCH_SITES = new Set(['same-origin', 'none']);

/**
 * Why a local server must refuse `request`, or undefined. Local mode has no credentials, so any web page
 * the developer opens could call it: a Host other than the loopback name and port is DNS rebinding, an
 * Origin other than the server's own is a foreign page, and a foreign page can only send a "simple"
 * request (no preflight) with a form type, so a POST must name a JSON type.
 */
export function refusal(request: IncomingMessage, rules: GuardRules): HttpError | undefined {
  const port = request.socket.localPort;
  const host = request.headers.host ?? '';
  if (!LOOPBACK_NAMES.some((name) => host === `${name}:${port}`)) {
    return new HttpError(
      403,
      'host_not_allowed',
      `Host "${host}" is not this server (${LOOPBACK_NAMES.map((name) => `${name}:${port}`).join(' or ')}): refused, as DNS rebinding would send it`,
    );
  }
  const origin = request.headers.origin;
  const site = request.headers['sec-fetch-site'];
  if (!rules.ownPages && (origin !== undefined || site !== undefined)) {
    return new HttpError(
      403,
      'browser_not_allowed',
      `a browser request (Origin "${origin ?? ''}") is refused: this server takes SDK clients only`,
    );
  }
  if ((origin !== undefined && origin !== `http://${host}`) || (site !== undefined && !OWN_FETCH_SITES.has(site))) {
    return new HttpError(
      403,
      'origin_not_allowed',
      `a cross-origin request (Origin "${origin ?? ''}", Sec-Fetch-Site "${site ?? ''}") is refused: only pages of http://${host} may call it`,
    );
  }
  if (rules.postTypes && request.method === 'POST') {
    const type = request.headers['content-type'];
    const essence = type?.split(';')[0]?.trim().toLowerCase() ?? '';
    if (!rules.postTypes.includes(essence)) {
      return new HttpError(
        415,
        'unsupported_media_type',
        `POST needs Content-Type ${rules.postTypes.join(' or ')} (got ${type === undefined ? 'none' : `"${type}"`})`,
      );
    }
  }
  return undefined;
}
