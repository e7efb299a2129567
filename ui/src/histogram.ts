import type { Counts } from './api';
import { isoTime } from './state';

/** Draws the counts as bars; each bar is a button that narrows the range to its bucket. */
export function renderHistogram(box: HTMLElement, counts: Counts, narrow: (from: number, to: number) => void): void {
  const max = Math.max(1, ...counts.counts);
  box.replaceChildren(
    ...counts.counts.map((count, i) => {
      const from = counts.from + i * counts.width;
      const to = Math.min(counts.to, from + counts.width - 1);
      const bar = document.createElement('button');
      bar.type = 'button';
      bar.dataset.count = String(count);
      bar.style.height = `${(100 * count) / max}%`;
      const label = `${isoTime(from)} to ${isoTime(to)}: ${count} event${count === 1 ? '' : 's'}`;
      bar.title = label;
      bar.setAttribute('aria-label', label);
      bar.addEventListener('click', () => narrow(from, to));
      return bar;
    }),
  );
}
