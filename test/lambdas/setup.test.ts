import { describe, expect, it } from 'vitest';
import { setupCompactor } from '../../lambdas/compactor/setup';
import { setupConsumer } from '../../lambdas/consumer/setup';
import { setupIngest } from '../../lambdas/ingest/setup';
import { setupQuery } from '../../lambdas/query/setup';
import { localCompactor, localConsumer, localIngest, localQuery } from '../../local/lambda/local-handlers';
import { loadZstd } from '../../shared/codec/zstd';

const zstd = loadZstd();
const BAD_PREFIX = { TALES_BUCKET: 'b', TALES_STREAM_NAME: 's', TALES_PREFIX: 'tales' };
const PREFIX_ERROR = 'Environment variable TALES_PREFIX must be empty or end with "/" (given "tales")';

describe('one setup per Lambda, used by AWS (index.ts) and by the local stack', () => {
  it.each([
    ['consumer', () => setupConsumer(BAD_PREFIX, { zstd })],
    ['query', () => setupQuery(BAD_PREFIX, { zstd })],
    ['compactor', () => setupCompactor(BAD_PREFIX, { zstd })],
    ['local consumer', () => localConsumer(BAD_PREFIX, 'SILENT', zstd)],
    ['local query', () => localQuery(BAD_PREFIX, 'SILENT', zstd)],
    ['local compactor', () => localCompactor(BAD_PREFIX, 'SILENT', zstd)],
  ])('the %s fails its cold start naming a bad TALES_PREFIX', (_name, setup) => {
    expect(setup).toThrow(PREFIX_ERROR);
  });

  it.each([
    ['ingest', () => setupIngest({})],
    ['local ingest', () => localIngest({}, 'SILENT')],
  ])('the %s fails its cold start naming a missing TALES_STREAM_NAME', (_name, setup) => {
    expect(setup).toThrow('Environment variable TALES_STREAM_NAME is required');
  });

  it('gives a handler and a destroy that releases its client', () => {
    const { handler, destroy } = setupQuery({ TALES_BUCKET: 'b' }, { zstd, logLevel: 'SILENT' });
    expect(typeof handler).toBe('function');
    expect(destroy).not.toThrow();
  });
});
