import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CliError } from '../errors';

/** What an import reads: a file, or standard input for `-`. */
export interface ImportInput {
  /** As the user named it: the path given, or `stdin`. */
  readonly name: string;
  /** The file's absolute path; undefined for stdin. */
  readonly path?: string;
  /** Bytes in the file (for the progress bar); undefined for stdin. */
  readonly size?: number;
  readonly stream: AsyncIterable<Buffer | string>;
}

/** Why a file cannot be read, in words, by the system's error code. */
const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
};

/** Opens `file` (relative to `cwd`), or `stdin` for `-`; a file that cannot be read is a CliError naming the reason. */
export async function openInput(file: string, cwd: string, stdin: NodeJS.ReadableStream): Promise<ImportInput> {
  if (file === '-') return { name: 'stdin', stream: stdin as AsyncIterable<Buffer | string> };
  const path = resolve(cwd, file);
  try {
    const handle = await open(path, 'r');
    const stats = await handle.stat();
    if (stats.isDirectory()) {
      await handle.close();
      throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    }
    return { name: file, path, size: stats.size, stream: handle.createReadStream() };
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    const reason = REASONS[code] ?? (error as Error).message;
    throw new CliError(`cannot read ${file}: ${reason}${code ? ` (${code})` : ''}`);
  }
}
