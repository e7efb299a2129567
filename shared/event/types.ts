/** One logged event: what happened (`text`) to whom (`actors`) and when (`time`, epoch ms UTC). */
export interface TalesEvent {
  readonly time: number;
  readonly actors: readonly number[];
  readonly text: string;
}
