import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { demo } from '../../../local/demo/demo';
import { runCaptured } from '../../support/cli-io';
import { useTestStack } from '../../support/local-stack';

const NOW = Date.now();
const at = (secondsBefore: number) => new Date(NOW - secondsBefore * 1000).toISOString();

/** What the demo prints once its events are logged: both queries, exactly. */
const QUERIES = [
  'The consumer has written them.',
  '',
  'Events of actor 12345:',
  `  ${at(5)}  [12345]  Player joined the game`,
  `  ${at(4)}  [12345]  Player moved to position (100, 200)`,
  `  ${at(3)}  [12345, 67890]  Player attacked monster`,
  `  ${at(1)}  [12345]  Player gained 100 XP`,
  '',
  'Events of actors 12345 AND 67890:',
  `  ${at(3)}  [12345, 67890]  Player attacked monster`,
  '',
];

async function run(env: Record<string, string>): Promise<{ code: number; lines: string[]; err: string }> {
  const { code, out, err } = await runCaptured(demo, { env, now: () => NOW });
  return { code, lines: out.split('\n'), err };
}

describe('npm run demo', () => {
  const local = useTestStack();

  it('logs the quick-start through the stack at TALES_URL and prints both queries', async () => {
    expect(await run({ TALES_URL: local.stack.url })).toEqual({
      code: 0,
      lines: [`Logged 5 events through ${local.stack.url}/events`, ...QUERIES],
      err: '',
    });
  });

  it('starts a stack of its own in a temporary directory without TALES_URL, and removes it', async () => {
    const { code, lines, err } = await run({ TALES_BATCH_WINDOW_MS: '100', TALES_LOG_LEVEL: 'SILENT' });
    expect([code, err]).toEqual([0, '']);
    const started = /^Started a local stack at (http:\/\/127\.0\.0\.1:\d+) \(data in (\S+), removed afterwards\)$/.exec(lines[0] ?? '');
    expect(started).not.toBeNull();
    const [, url, dir] = started as unknown as [string, string, string];
    expect(lines.slice(1)).toEqual([`Logged 5 events through ${url}/events`, ...QUERIES]);
    expect(existsSync(dir)).toBe(false);
  });

  it('reports a stack it cannot reach', async () => {
    const { code, err } = await run({ TALES_URL: 'http://127.0.0.1:9' });
    expect(code).toBe(1);
    expect(err).toMatch(/^demo: cannot reach http:\/\/127\.0\.0\.1:9: /);
  });
});
