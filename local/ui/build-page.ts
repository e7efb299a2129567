import { copyFile, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { PAGE_DIST_DIR, PAGE_FILES, PAGE_SOURCE_DIR } from './page-files';

/**
 * Builds the explorer page into `outDir`: ui/src/main.ts bundled and minified into one ES module (no
 * framework, nothing fetched at run time), the stylesheet minified, the HTML copied. Returns each
 * file's size in bytes.
 */
export async function buildPage(outDir = PAGE_DIST_DIR): Promise<Record<string, number>> {
  await mkdir(outDir, { recursive: true });
  const common = { bundle: true, minify: true, legalComments: 'none', logLevel: 'silent' } as const;
  await Promise.all([
    build({
      ...common,
      entryPoints: [join(PAGE_SOURCE_DIR, 'src/main.ts')],
      format: 'esm',
      target: 'es2022',
      outfile: join(outDir, 'explorer.js'),
    }),
    build({ ...common, entryPoints: [join(PAGE_SOURCE_DIR, 'explorer.css')], outfile: join(outDir, 'explorer.css') }),
    copyFile(join(PAGE_SOURCE_DIR, 'index.html'), join(outDir, 'index.html')),
  ]);
  const sizes: Record<string, number> = {};
  for (const { file } of Object.values(PAGE_FILES)) sizes[file] = (await stat(join(outDir, file))).size;
  return sizes;
}
