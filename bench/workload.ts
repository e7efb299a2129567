/**
 * The shared deterministic benchmark workload (the Tales reference workload): the same
 * algorithm and seed as the reference generator, so figures compare with the published
 * kelindar/tales and DuckDB numbers. N events (env N, default 1,000,000), times ascending from
 * 2026-07-01T00:00Z with a mean gap of 500 ms, 1–3 distinct actors drawn Zipf(s=1) over 10,000
 * ids, texts of about 60 bytes.
 */
import type { TalesEvent } from '../shared/event/types';

export const ACTORS = 10_000;
export const T0 = Date.UTC(2026, 6, 1);

export interface Workload {
  readonly ts: Float64Array;
  readonly actorOff: Uint32Array;
  readonly actorVals: Uint32Array;
  readonly texts: string[];
  /** Actor id of popularity rank r. */
  readonly idOfRank: Uint32Array;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  };
}

export function generate(n = Number(process.env.N ?? 1_000_000)): Workload {
  const rnd = splitmix32(42);
  const cdf = new Float64Array(ACTORS);
  let acc = 0;
  for (let k = 1; k <= ACTORS; k++) {
    acc += 1 / k;
    cdf[k - 1] = acc;
  }
  for (let k = 0; k < ACTORS; k++) cdf[k] = (cdf[k] as number) / acc;
  const idOfRank = new Uint32Array(ACTORS);
  for (let i = 0; i < ACTORS; i++) idOfRank[i] = i + 1;
  for (let i = ACTORS - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    const t = idOfRank[i] as number;
    idOfRank[i] = idOfRank[j] as number;
    idOfRank[j] = t;
  }
  const drawRank = () => {
    const u = rnd();
    let lo = 0;
    let hi = ACTORS - 1;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if ((cdf[m] as number) < u) lo = m + 1;
      else hi = m;
    }
    return lo;
  };
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const vocab: string[] = [];
  for (let i = 0; i < 512; i++) {
    const len = 3 + Math.floor(rnd() * 7);
    let w = '';
    for (let j = 0; j < len; j++) w += letters[Math.floor(rnd() * 26)];
    vocab.push(w);
  }
  const ts = new Float64Array(n);
  const actorOff = new Uint32Array(n + 1);
  const actorVals = new Uint32Array(n * 3);
  const texts = new Array<string>(n);
  let t = T0;
  let p = 0;
  for (let i = 0; i < n; i++) {
    t += Math.floor(rnd() * 1000);
    ts[i] = t;
    const count = 1 + Math.floor(rnd() * 3);
    actorOff[i] = p;
    for (let k = 0; k < count; k++) {
      let a: number;
      do {
        a = idOfRank[drawRank()] as number;
      } while (actorVals.subarray(actorOff[i], p).includes(a));
      actorVals[p++] = a;
    }
    let s = `${vocab[Math.floor(rnd() * 512)]} ${Math.floor(rnd() * 100000)}`;
    while (s.length < 55) s += ` ${vocab[Math.floor(rnd() * 512)]}`;
    texts[i] = s.slice(0, 65);
  }
  actorOff[n] = p;
  return { ts, actorOff, actorVals, texts, idOfRank };
}

/** Event `i` of a workload in the model's shape. */
export function eventAt(w: Workload, i: number): TalesEvent {
  return {
    time: w.ts[i] as number,
    actors: Array.from(w.actorVals.subarray(w.actorOff[i], w.actorOff[i + 1])),
    text: w.texts[i] as string,
  };
}
