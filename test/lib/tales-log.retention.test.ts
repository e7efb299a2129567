import { describe, expect, it } from 'vitest';
import { logicalIdOf, type SynthesizedLog, synthLog } from './synth';

function queryEnvironment(log: SynthesizedLog): Record<string, unknown> {
  const fn = log.template.findResources('AWS::Lambda::Function')[logicalIdOf(log.stack, log.log.queryFunction)];
  return fn?.Properties.Environment.Variables;
}

describe('TalesLog retention and the query function', () => {
  it('fails if the query function does not get the retention that expires the bucket objects', () => {
    // GIVEN objects kept 30 days, WHEN synthesized, THEN the query Lambda can clamp its queries to them
    expect(queryEnvironment(synthLog({ retentionDays: 30 }))).toMatchObject({ TALES_RETENTION_DAYS: '30' });
  });

  it('fails if the query function gets a retention when objects are kept forever', () => {
    expect(queryEnvironment(synthLog())).not.toHaveProperty('TALES_RETENTION_DAYS');
  });
});
