import { describe, expect, it } from 'vitest';
import { useTestStack, waitUntil } from '../support/local-stack';
import { postEvents, queryAll } from './http-client';

describe('freshness in local mode', () => {
  const test = useTestStack({ shards: 1 });

  it('a query sees a batch as soon as the consumer has written it, though a query just before read the same open day', async () => {
    const { stack } = test;
    const range = { actors: [424_242], from: Date.now() - 60_000, to: Date.now() + 60_000 };
    expect((await queryAll(stack.url, range)).events).toEqual([]);
    const before = stack.stats.batches;
    expect(await postEvents(stack.url, JSON.stringify({ actors: [424_242], text: 'fresh' }))).toEqual({
      status: 202,
      body: { accepted: 1 },
    });
    await waitUntil('the consumer to write the batch', async () => stack.stats.batches > before);
    expect((await queryAll(stack.url, range)).events.map((event) => event.text)).toEqual(['fresh']);
  });
});
