import { describe, expect, it } from 'vitest';
import { CorruptError } from '../../../shared/codec/errors';
import { eraseActor, readErasure } from '../../../shared/erasure/erase-actor';
import { ERASED_SET_MAX_AGE_MS, ErasedActors } from '../../../shared/erasure/erased-actors';
import { decodeErasedSet } from '../../../shared/erasure/erased-set';
import { ErasureKeys } from '../../../shared/erasure/keys';
import { statusOf } from '../../../shared/erasure/record';
import { KeyLayout } from '../../../shared/layout/keys';
import { MemoryS3 } from '../../support/memory-s3';

const NOW = Date.UTC(2026, 6, 3);

function setup() {
  const memory = new MemoryS3();
  const keys = new ErasureKeys(new KeyLayout('tales/'));
  // No wait after the set is written: these tests revalidate on every call (maxAgeMs 0) or keep their own clock.
  const store = { s3: memory.client(), bucket: memory.bucket, keys, settleMs: 0 };
  const setOf = () => decodeErasedSet(new TextDecoder().decode(memory.get(keys.setKey)), keys.setKey);
  return { memory, keys, store, setOf };
}

describe('eraseActor', () => {
  it('records who asked and when, adds the actor to the set, and answers the same erasure when asked again', async () => {
    const { memory, keys, store, setOf } = setup();
    const first = await eraseActor(store, { actor: 42, principal: 'arn:aws:iam::123456789012:role/Dpo', now: NOW });
    expect(first).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{32}$/),
      actor: 42,
      requestedAt: NOW,
      principal: 'arn:aws:iam::123456789012:role/Dpo',
    });
    expect(statusOf(first)).toBe('hidden');
    const again = await eraseActor(store, { actor: 42, principal: 'someone else', now: NOW + 1000 });
    expect(again).toEqual(first);
    expect([...setOf()]).toEqual([42]);
    expect(await readErasure(store, first.id)).toEqual(first);
    expect([...memory.objects.keys()].sort()).toEqual(
      [keys.actorKey(42), keys.recordKey(first.id), `${keys.prefix}pending.json`, keys.setKey].sort(),
    );
    expect(keys.setKey).toBe('tales/erasures/set.json');
  });

  it('keeps every actor when erasures race (the set is written If-Match)', async () => {
    const { store, setOf } = setup();
    const actors = Array.from({ length: 8 }, (_, i) => 100 + i);
    const records = await Promise.all(actors.map((actor) => eraseActor(store, { actor, principal: 'p', now: NOW })));
    expect(new Set(records.map((r) => r.id)).size).toBe(8);
    expect([...setOf()].sort((a, b) => a - b)).toEqual(actors);
  });

  it('gives one erasure id to concurrent requests for the same actor', async () => {
    const { store, setOf } = setup();
    const records = await Promise.all(Array.from({ length: 5 }, () => eraseActor(store, { actor: 7, principal: 'p', now: NOW })));
    expect(new Set(records.map((r) => r.id)).size).toBe(1);
    expect([...setOf()]).toEqual([7]);
  });

  it('finishes an erasure a crash cut short: pointer written, record and set not', async () => {
    const { memory, keys, store, setOf } = setup();
    const first = await eraseActor(store, { actor: 9, principal: 'p', now: NOW });
    memory.objects.delete(keys.recordKey(first.id));
    memory.objects.delete(keys.setKey);
    const rerun = await eraseActor(store, { actor: 9, principal: 'p', now: NOW + 5 });
    expect(rerun.id).toBe(first.id);
    expect([...setOf()]).toEqual([9]);
  });

  it('reads no erasure for an unknown id', async () => {
    const { store } = setup();
    expect(await readErasure(store, '0'.repeat(32))).toBeUndefined();
  });
});

describe('ErasedActors', () => {
  it('revalidates with one HEAD while the set is unchanged, and sees a new erasure at once', async () => {
    const { memory, store } = setup();
    const erased = new ErasedActors(store.s3, store.bucket, store.keys, 0);
    memory.resetCounts();
    expect([...(await erased.current())]).toEqual([]);
    expect(memory.resetCounts()).toMatchObject({ heads: 1, gets: 0 });
    await eraseActor(store, { actor: 5, principal: 'p', now: NOW });
    memory.resetCounts();
    expect([...(await erased.current())]).toEqual([5]);
    expect(memory.resetCounts()).toMatchObject({ heads: 1, gets: 1 });
    expect([...(await erased.current())]).toEqual([5]);
    expect(memory.resetCounts()).toMatchObject({ heads: 1, gets: 0 });
  });

  it('answers warm calls from the last check for maxAgeMs with no request, and sees an erasure once an erase would have returned', async () => {
    const { memory, store } = setup();
    let now = 0;
    const erased = new ErasedActors(store.s3, store.bucket, store.keys, ERASED_SET_MAX_AGE_MS, () => now);
    expect([...(await erased.current())]).toEqual([]);
    memory.resetCounts();
    // Another Lambda erases at 100 ms; its call returns only ERASED_SET_MAX_AGE_MS after the set was written.
    now = 100;
    await eraseActor(store, { actor: 5, principal: 'p', now: NOW });
    memory.resetCounts();
    now = 999;
    expect([...(await erased.current())]).toEqual([]);
    expect(memory.resetCounts()).toMatchObject({ heads: 0, gets: 0 });
    now = 100 + ERASED_SET_MAX_AGE_MS;
    expect([...(await erased.current())]).toEqual([5]);
    expect(memory.resetCounts()).toMatchObject({ heads: 1, gets: 1 });
  });

  it('shares one check between calls made while it runs', async () => {
    const { memory, store } = setup();
    const erased = new ErasedActors(store.s3, store.bucket, store.keys);
    memory.resetCounts();
    await Promise.all([erased.current(), erased.current(), erased.hidden()]);
    expect(memory.resetCounts()).toMatchObject({ heads: 1 });
  });

  it('fails on a corrupt set with the key named', async () => {
    const { memory, store } = setup();
    memory.put(store.keys.setKey, new TextEncoder().encode('{"version":1,"actors":[1,-2]}'));
    const erased = new ErasedActors(store.s3, store.bucket, store.keys, 0);
    await expect(erased.current()).rejects.toThrow(CorruptError);
    await expect(erased.current()).rejects.toThrow('invalid erased set: actor -2 is not a uint32');
  });
});
