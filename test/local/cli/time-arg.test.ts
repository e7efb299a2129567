import { describe, expect, it } from 'vitest';
import { CliError } from '../../../local/cli/errors';
import { parseTimeArg } from '../../../local/cli/time-arg';

describe('parseTimeArg', () => {
  it('reads the forms of parseTimeExpression and names the option of a bad one', () => {
    expect(parseTimeArg('-1h', 3_600_000, '--from')).toBe(0);
    expect(() => parseTimeArg('noon', 0, '--to')).toThrow(
      new CliError('--to "noon" is not a time: use now, -15m, -1h, -2d, an ISO-8601 time (2026-07-01T12:00:00Z) or epoch ms'),
    );
  });
});
