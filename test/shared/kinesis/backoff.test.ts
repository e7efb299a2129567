import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../shared/kinesis/backoff';

describe('backoffDelay', () => {
  const options = { baseMs: 100, maxMs: 1000 };

  it('doubles the ceiling per attempt up to the cap', () => {
    const top = (attempt: number) => backoffDelay(attempt, { ...options, random: () => 0.999999 });
    expect([1, 2, 3, 4, 5, 30].map(top)).toEqual([99, 199, 399, 799, 999, 999]);
  });

  it('spreads delays over the whole window (full jitter)', () => {
    expect(backoffDelay(3, { ...options, random: () => 0 })).toBe(0);
    expect(backoffDelay(3, { ...options, random: () => 0.5 })).toBe(200);
  });
});
