/** Base of the local stack's errors: their messages are meant for the person who ran it. */
export class LocalStackError extends Error {
  override readonly name: string = 'LocalStackError';
}

/** The HTTP port is taken (another stack, or another program). */
export class PortInUseError extends LocalStackError {
  override readonly name = 'PortInUseError';
  constructor(
    readonly host: string,
    readonly port: number,
  ) {
    super(`port ${port} on ${host} is already in use (is another tales stack running?); set TALES_PORT to use another port`);
  }
}
