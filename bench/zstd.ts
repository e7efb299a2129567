/**
 * The two zstd implementations behind BlockCompressor on blocks as chunks hold them: 64 KiB of the
 * shared workload's texts, level 5, with and without an 8 KiB raw-content dictionary sampled from them.
 */
import type { BlockCompressor } from '../shared/codec/zstd';
import { nativeZstd } from '../shared/codec/zstd-native';
import { loadPortableZstd } from '../shared/codec/zstd-portable';
import { type BenchTable, percentiles } from './table';
import { eventAt, generate } from './workload';

const BLOCK = 65_536;
const LEVEL = 5;
const ROUNDS = 9;

function time(action: () => void): number {
  const samples: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = performance.now();
    action();
    samples.push(performance.now() - start);
  }
  return percentiles(samples).p50;
}

export async function benchZstd(): Promise<BenchTable[]> {
  const workload = generate(100_000);
  const encoder = new TextEncoder();
  const text = encoder.encode(Array.from({ length: 100_000 }, (_, i) => eventAt(workload, i).text).join('\n'));
  const blocks = Array.from({ length: Math.floor(text.length / BLOCK) }, (_, b) => text.subarray(b * BLOCK, (b + 1) * BLOCK));
  const dictionary = text.subarray(text.length - 8192);
  const raw = blocks.length * BLOCK;
  const codecs: [string, BlockCompressor][] = [
    ['native (node:zlib)', nativeZstd],
    ['portable (zstd-codec wasm)', await loadPortableZstd()],
  ];
  const rows: (string | number)[][] = [];
  for (const [name, codec] of codecs) {
    for (const dict of [undefined, dictionary]) {
      let frames: Uint8Array[] = [];
      const compressMs = time(() => {
        frames = blocks.map((block) => codec.compress(block, LEVEL, dict));
      });
      const decompressMs = time(() => {
        for (const frame of frames) codec.decompress(frame, BLOCK, dict);
      });
      const stored = frames.reduce((sum, frame) => sum + frame.length, 0);
      rows.push([name, dict ? '8 KiB' : 'none', raw / 1e6 / (compressMs / 1000), raw / 1e6 / (decompressMs / 1000), raw / stored]);
    }
  }
  return [
    {
      title: `zstd block codecs (${blocks.length} blocks of 64 KiB workload text, level ${LEVEL}; median of ${ROUNDS} rounds)`,
      columns: ['implementation', 'dictionary', 'compress MB/s', 'decompress MB/s', 'ratio'],
      rows,
      notes: [
        'Each reads the frames of the other (test/shared/codec/zstd.test.ts). Native is the block codec; the portable one',
        'caps inputs at 4 MiB (its 16 MB wasm heap) and serves as the test oracle.',
      ],
    },
  ];
}
