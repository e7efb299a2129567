import type { TalesEvent } from '../../shared/event/types';
import { fetchCounts, fetchEvents } from './api';
import { eventItem } from './event-list';
import { follow } from './follow';
import { renderHistogram } from './histogram';
import { actorsParam, isoTime, PRESETS, readState, resolveRange, type ViewState, writeState } from './state';

const PAGE = '50';
const BUCKETS = '60';

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = byId<HTMLFormElement>('search');
const errorBox = byId<HTMLParagraphElement>('error');
const histogram = byId<HTMLDivElement>('histogram');
const total = byId<HTMLSpanElement>('total');
const axis = byId<HTMLParagraphElement>('axis');
const list = byId<HTMLOListElement>('events');
const more = byId<HTMLButtonElement>('more');
const followBox = byId<HTMLInputElement>('follow');

let state = readState(location.search);
/** The view being shown: its query, its cursor, the events listed; replaced by each load. */
let view:
  | { query: { actors: string; contains?: string }; lo: number; next?: string; listed: TalesEvent[]; following?: AbortController }
  | undefined;

function field(name: string): HTMLInputElement {
  return form.elements.namedItem(name) as HTMLInputElement;
}

function fill(s: ViewState): void {
  field('actors').value = s.actors;
  field('contains').value = s.contains;
  for (const radio of form.querySelectorAll<HTMLInputElement>('input[name="range"]')) radio.checked = radio.value === s.range;
  field('from').value = s.from;
  field('to').value = s.to;
  followBox.checked = s.follow;
}

function formState(): ViewState {
  const data = new FormData(form);
  const text = (name: string) => String(data.get(name) ?? '').trim();
  return {
    actors: actorsParam(text('actors')),
    contains: text('contains'),
    range: text('range'),
    from: text('from'),
    to: text('to'),
    follow: followBox.checked,
  };
}

function showError(error: unknown): void {
  errorBox.textContent = error instanceof Error ? error.message : String(error);
  errorBox.hidden = false;
  document.body.dataset.status = 'error';
}

function navigate(next: ViewState): void {
  history.pushState(null, '', writeState(next));
  state = next;
  void load();
}

function pivotHref(actor: number): string {
  return writeState({ ...state, actors: String(actor), contains: '' });
}

function showEvents(events: readonly TalesEvent[], where: 'append' | 'prepend'): void {
  const items = events.map((event) => eventItem(event, pivotHref));
  if (where === 'append') list.append(...items);
  else {
    for (const item of items) item.classList.add('new');
    list.prepend(...items);
  }
}

async function load(): Promise<void> {
  view?.following?.abort();
  view = undefined;
  fill(state);
  errorBox.hidden = true;
  list.replaceChildren();
  histogram.replaceChildren();
  total.textContent = '';
  axis.textContent = '';
  more.hidden = true;
  if (!state.actors) {
    document.body.dataset.status = 'idle';
    return;
  }
  document.body.dataset.status = 'loading';
  const now = Date.now();
  const range = resolveRange(state, now);
  const query = { actors: actorsParam(state.actors), ...(state.contains ? { contains: state.contains } : {}) };
  if (state.range in PRESETS) {
    field('from').value = isoTime(Number(range.from));
    field('to').value = isoTime(Number(range.to));
  }
  try {
    const counts = await fetchCounts({ ...query, from: range.from, to: range.to, buckets: BUCKETS });
    // Newest first: the bounds the API resolved, the other way round.
    const page = await fetchEvents({ ...query, from: String(counts.to), to: String(counts.from), limit: PAGE });
    const current = { query, lo: counts.from, listed: [...page.events], ...(page.next ? { next: page.next } : {}) };
    view = current;
    drawCounts(counts);
    showEvents(page.events, 'append');
    more.hidden = !page.next;
    document.body.dataset.status = 'ready';
    if (state.follow) startFollow(current, now);
  } catch (error) {
    showError(error);
  }
}

function drawCounts(counts: Awaited<ReturnType<typeof fetchCounts>>): void {
  renderHistogram(histogram, counts, (from, to) => navigate({ ...state, range: '', from: isoTime(from), to: isoTime(to), follow: false }));
  const sum = counts.counts.reduce((a, b) => a + b, 0);
  total.textContent = `(${sum} event${sum === 1 ? '' : 's'})`;
  total.dataset.total = String(sum);
  axis.textContent = `${isoTime(counts.from)} … ${isoTime(counts.to)}, ${counts.counts.length} bars of ${formatSpan(counts.width)}`;
}

function startFollow(current: NonNullable<typeof view>, since: number): void {
  const controller = new AbortController();
  current.following = controller;
  void follow(
    current.query,
    since,
    current.listed,
    (events) => {
      showEvents([...events].reverse(), 'prepend');
      current.listed.push(...events);
      fetchCounts({ ...current.query, from: String(current.lo), to: String(Date.now()), buckets: BUCKETS }).then(drawCounts, showError);
    },
    showError,
    controller.signal,
  );
}

function formatSpan(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${+(ms / 60_000).toFixed(1)} min`;
  return `${+(ms / 3_600_000).toFixed(1)} h`;
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  navigate(formState());
});
for (const name of ['from', 'to']) {
  field(name).addEventListener('input', () => {
    const between = form.querySelector<HTMLInputElement>('input[name="range"][value=""]');
    if (between) between.checked = true;
  });
}
followBox.addEventListener('change', () => {
  state = { ...state, follow: followBox.checked };
  history.replaceState(null, '', writeState(state));
  if (!view) return;
  view.following?.abort();
  if (state.follow) startFollow(view, Date.now());
});
more.addEventListener('click', async () => {
  const current = view;
  if (!current?.next) return;
  more.disabled = true;
  try {
    const page = await fetchEvents({ ...current.query, cursor: current.next, limit: PAGE });
    if (view !== current) return;
    current.listed.push(...page.events);
    showEvents(page.events, 'append');
    current.next = page.next;
    more.hidden = !page.next;
  } catch (error) {
    showError(error);
  } finally {
    more.disabled = false;
  }
});
list.addEventListener('click', (event) => {
  const link = (event.target as HTMLElement).closest('a');
  if (!link || event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
  event.preventDefault();
  navigate(readState(new URL(link.href).search));
});
window.addEventListener('popstate', () => {
  state = readState(location.search);
  void load();
});
void load();
