import { describe, expect, it } from 'vitest';
import { localDispatch } from '../../../local/http/dispatch';
import { functionUrlEvent } from '../../../local/lambda/function-url';
import { PhaseLock } from '../../../local/phase-lock';
import { jsonResponse } from '../../../shared/http/response';

const answer = { invoke: async () => jsonResponse(200, { ok: true }) };

describe('localDispatch', () => {
  it('answers /health while a consumer batch holds the S3 lock, and holds queries back until it is released', async () => {
    const lock = new PhaseLock<'read' | 'write'>();
    const dispatch = localDispatch({ query: answer, ingest: answer }, lock);
    const release = await lock.acquire('write');

    let queried = false;
    const query = dispatch(functionUrlEvent({ path: '/events' })).then(() => {
      queried = true;
    });
    expect((await dispatch(functionUrlEvent({ path: '/health' }))).statusCode).toBe(200);
    expect(queried).toBe(false);

    release();
    await query;
    expect(queried).toBe(true);
  });

  it('answers 503 until the handlers are ready', async () => {
    const response = await localDispatch({}, new PhaseLock())(functionUrlEvent({ path: '/health' }));
    expect(response.statusCode).toBe(503);
  });
});
