import type { Env } from '../../shared/config/env';

/** Where the CLI reads its settings and writes its output; tests pass their own. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: Env;
  /** Draws progress bars when it is a terminal. @default - none */
  readonly progress?: NodeJS.WritableStream;
  /** @default Date.now */
  readonly now?: () => number;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Relative paths (files, the data dir) resolve against it. @default process.cwd() */
  readonly cwd?: string;
  /** What `tales import -` reads. @default process.stdin */
  readonly stdin?: NodeJS.ReadableStream;
  /** Waits between retries. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Ends the commands that run until interrupted (query --follow, ui). @default - the first SIGINT (Ctrl-C) */
  readonly signal?: AbortSignal;
}

export function processIo(): CliIo {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    env: process.env,
    progress: process.stderr,
  };
}
