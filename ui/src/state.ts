/** What the page shows, as the URL holds it, so that a view can be shared. */
export interface ViewState {
  readonly actors: string;
  readonly contains: string;
  /** A relative preset ('15m', '1h', '1d', '7d'), or '' for the explicit bounds. */
  readonly range: string;
  readonly from: string;
  readonly to: string;
  readonly follow: boolean;
}

export const PRESETS: Readonly<Record<string, number>> = { '15m': 15 * 60_000, '1h': 3_600_000, '1d': 86_400_000, '7d': 7 * 86_400_000 };

export function readState(search: string): ViewState {
  const params = new URLSearchParams(search);
  const range = params.get('range') ?? (params.has('from') || params.has('to') ? '' : '1d');
  return {
    actors: params.get('actors') ?? '',
    contains: params.get('contains') ?? '',
    range: range in PRESETS ? range : '',
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
    follow: params.get('follow') === '1',
  };
}

export function writeState(state: ViewState): string {
  const params = new URLSearchParams();
  params.set('actors', state.actors);
  if (state.contains) params.set('contains', state.contains);
  params.set('range', state.range);
  if (!state.range) {
    params.set('from', state.from);
    params.set('to', state.to);
  }
  if (state.follow) params.set('follow', '1');
  return `?${params}`;
}

/** The actors as the API takes them: commas, no spaces (the API says what is wrong with the rest). */
export function actorsParam(actors: string): string {
  return actors.replace(/[\s,]+/g, ',').replace(/^,|,$/g, '');
}

/** The bounds to query, epoch ms: a preset ends now; explicit bounds go to the API as typed (ISO-8601 or epoch ms). */
export function resolveRange(state: ViewState, now: number): { from: string; to: string } {
  const span = PRESETS[state.range];
  if (span !== undefined) return { from: String(now - span), to: String(now) };
  return { from: state.from.trim(), to: state.to.trim() };
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
