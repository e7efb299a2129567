import { InvalidArgumentError } from 'commander';
import { MAX_ACTOR_ID } from '../../shared/event/limits';

/** Collects repeated `--actor N` options, each a uint32. */
export function collectActor(value: string, previous: number[] = []): number[] {
  const actor = Number(value);
  if (!/^\d{1,10}$/.test(value) || actor > MAX_ACTOR_ID) throw new InvalidArgumentError(`actor must be an integer in 0..${MAX_ACTOR_ID}`);
  return [...previous, actor];
}

/** A positive integer option value no larger than `max`. */
export function positiveInt(max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d{1,9}$/.test(value) || n < 1 || n > max) throw new InvalidArgumentError(`must be an integer in 1..${max}`);
    return n;
  };
}

/** A TCP port, 0..65535 (0: any free one). */
export function portArg(value: string): number {
  const n = Number(value);
  if (!/^\d{1,5}$/.test(value) || n > 65_535) throw new InvalidArgumentError('must be an integer in 0..65535');
  return n;
}
