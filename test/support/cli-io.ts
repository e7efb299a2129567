import type { CliIo } from '../../local/cli/io';

/** What a CLI command returned and wrote. */
export interface CapturedRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs `command` with `io`, recording what it writes to out and to err. */
export async function runCaptured(command: (io: CliIo) => Promise<number>, io: Omit<CliIo, 'out' | 'err'>): Promise<CapturedRun> {
  let out = '';
  let err = '';
  const code = await command({
    ...io,
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
  });
  return { code, out, err };
}
