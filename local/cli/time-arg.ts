import { EventValidationError } from '../../shared/event/errors';
import { parseTimeExpression } from '../../shared/event/time-expression';
import { CliError } from './errors';

/** A time given on the command line (`now`, `-15m`, ISO-8601, epoch ms), in epoch ms; a bad one is a CliError naming the option. */
export function parseTimeArg(text: string, now: number, option: string): number {
  try {
    return parseTimeExpression(text, now);
  } catch (error) {
    if (error instanceof EventValidationError) throw new CliError(`${option} ${error.message}`);
    throw error;
  }
}
