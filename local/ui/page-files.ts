import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The explorer page's sources (ui/) and where its build goes (ui/dist, made by `npm run build:ui`, run by npm ci). */
export const PAGE_SOURCE_DIR = fileURLToPath(new URL('../../ui/', import.meta.url));
export const PAGE_DIST_DIR = join(PAGE_SOURCE_DIR, 'dist');

/** The page's files by URL path: what local mode and `tales ui` serve besides the API. */
export const PAGE_FILES: Readonly<Record<string, { readonly file: string; readonly type: string }>> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/explorer.js': { file: 'explorer.js', type: 'text/javascript; charset=utf-8' },
  '/explorer.css': { file: 'explorer.css', type: 'text/css; charset=utf-8' },
};
