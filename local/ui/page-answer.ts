import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HttpError } from '../../shared/http/errors';
import { errorResponse, type HttpResponse, jsonResponse } from '../../shared/http/response';
import { PAGE_DIST_DIR, PAGE_FILES } from './page-files';

/** The page may load only its own script and stylesheet, and talk only to its own origin. */
const POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'";

/** One of the page's built files, read at each request (so a rebuild shows without a restart); a 503 saying how to build it when missing. */
export async function pageAnswer(path: string, dir = PAGE_DIST_DIR): Promise<HttpResponse> {
  const entry = PAGE_FILES[path];
  if (!entry) return errorResponse(new HttpError(404, 'not_found', `no route GET ${path}`));
  let body: string;
  try {
    body = await readFile(join(dir, entry.file), 'utf8');
  } catch {
    // A 503 that says what to do: the fault is a missing build step, not an internal one.
    return jsonResponse(503, { error: { code: 'page_not_built', message: 'the explorer page is not built: run npm run build:ui' } });
  }
  return {
    statusCode: 200,
    headers: {
      'content-type': entry.type,
      'cache-control': 'no-cache',
      'content-security-policy': POLICY,
      'x-content-type-options': 'nosniff',
    },
    body,
  };
}
