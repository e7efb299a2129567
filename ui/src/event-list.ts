import type { TalesEvent } from '../../shared/event/types';
import { isoTime } from './state';

/** One event as a list item: its time, its actors as links that pivot the page to that actor, its text. */
export function eventItem(event: TalesEvent, pivot: (actor: number) => string): HTMLLIElement {
  const item = document.createElement('li');
  const time = document.createElement('time');
  time.dateTime = isoTime(event.time);
  time.textContent = isoTime(event.time);
  const actors = document.createElement('span');
  actors.className = 'actors';
  for (const actor of event.actors) {
    const link = document.createElement('a');
    link.href = pivot(actor);
    link.textContent = String(actor);
    link.setAttribute('aria-label', `show actor ${actor}`);
    actors.append(link);
  }
  const text = document.createElement('span');
  text.className = 'text';
  text.textContent = event.text;
  item.append(time, actors, text);
  return item;
}
