import type { CliIo } from './io';

/**
 * The signal that ends a command running until interrupted: the caller's, else one the first SIGINT
 * aborts. Only such commands listen, so Ctrl-C still ends any other command the default way.
 */
export function untilInterrupted(io: CliIo): AbortSignal {
  if (io.signal) return io.signal;
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  return controller.signal;
}
