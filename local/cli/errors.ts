/** A failure to report to the person at the terminal: its message is printed as is, and the CLI exits with 1. */
export class CliError extends Error {
  override readonly name = 'CliError';
}
