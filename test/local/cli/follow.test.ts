import { describe, expect, it } from 'vitest';
import { runCli } from '../../../local/cli/main';
import { TalesQuery } from '../../../shared/client/query';
import type { TalesEvent } from '../../../shared/event/types';
import { runCaptured } from '../../support/cli-io';
import { useTestStack, waitUntil } from '../../support/local-stack';

describe('following a query on the local stack', () => {
  const local = useTestStack();
  const log = (text: string, actors: number[]) =>
    fetch(`${local.stack.url}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text, actors }),
    }).then((r) => expect(r.status).toBe(202));

  it('tales query --follow prints what is there, then each event as it becomes visible, once, until interrupted', async () => {
    await log('before', [901]);
    await log('other actor', [902]);
    const stop = new AbortController();
    let out = '';
    const run = runCli(['query', '--actor', '901', '--from', '-1h', '--follow', '--json'], {
      env: { TALES_URL: local.stack.url },
      signal: stop.signal,
      out: (text) => {
        out += text;
      },
      err: (text) => {
        out += `ERR ${text}`;
      },
    });
    await waitUntil('the first event', async () => out.includes('"before"'));
    await log('after', [901, 903]);
    await waitUntil('the event posted while following', async () => out.includes('"after"'));
    // A few more polls go by: nothing is printed twice.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    stop.abort();
    expect(await run).toBe(0);
    expect(
      out
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).text),
    ).toEqual(['before', 'after']);
  });

  it('refuses --follow with --to or --desc', async () => {
    const tales = (args: string[]) => runCaptured((io) => runCli(args, io), { env: { TALES_URL: local.stack.url } });
    const message = 'tales: --follow reads from --from on, oldest first, with no end: drop --to and --desc\n';
    expect(await tales(['query', '-a', '1', '--follow', '--desc'])).toEqual({ code: 1, out: '', err: message });
    expect(await tales(['query', '-a', '1', '--follow', '--to', '-1m'])).toEqual({ code: 1, out: '', err: message });
  });

  it('TalesQuery.follow yields with the text filter, polling faster than the default when asked', async () => {
    const client = new TalesQuery({ url: local.stack.url, unsigned: true });
    const stop = new AbortController();
    const seen: TalesEvent[] = [];
    const following = (async () => {
      for await (const event of client.follow(
        { actors: [904], from: Date.now() - 60_000, contains: 'SWORD' },
        { signal: stop.signal, minIntervalMs: 100, maxIntervalMs: 400 },
      )) {
        seen.push(event);
      }
    })();
    await log('drew a sword', [904]);
    await log('drew a bow', [904]);
    await log('sheathed the Sword', [904]);
    await waitUntil('both sword events', async () => seen.length === 2);
    stop.abort();
    await following;
    expect(seen.map((e) => e.text).sort()).toEqual(['drew a sword', 'sheathed the Sword']);
  });
});
