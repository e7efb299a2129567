/** The events of the tales quick-start, in the order they happen. */
export const QUICK_START_EVENTS: readonly { readonly text: string; readonly actors: readonly number[] }[] = [
  { text: 'Player joined the game', actors: [12345] },
  { text: 'Player moved to position (100, 200)', actors: [12345] },
  { text: 'Player attacked monster', actors: [12345, 67890] },
  { text: 'Monster died', actors: [67890] },
  { text: 'Player gained 100 XP', actors: [12345] },
];

export const PLAYER = 12345;
export const MONSTER = 67890;
