/**
 * A lock held by any number of holders of one kind at a time, never by two kinds at once; waiters are
 * admitted in arrival order (a run of waiters of one kind together), so neither kind starves the other.
 */
export class PhaseLock<Kind extends string> {
  private kind: Kind | undefined;
  private holders = 0;
  private readonly waiting: { kind: Kind; admit: () => void }[] = [];

  /** Waits for the lock in `kind`; resolves to the function that releases it (once). */
  async acquire(kind: Kind): Promise<() => void> {
    if (this.holders === 0 || (this.kind === kind && this.waiting.length === 0)) {
      this.kind = kind;
      this.holders++;
    } else {
      await new Promise<void>((admit) => this.waiting.push({ kind, admit }));
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holders--;
      if (this.holders === 0) this.admitNext();
    };
  }

  /** Runs `task` holding the lock in `kind`. */
  async run<T>(kind: Kind, task: () => Promise<T>): Promise<T> {
    const release = await this.acquire(kind);
    try {
      return await task();
    } finally {
      release();
    }
  }

  private admitNext(): void {
    const next = this.waiting[0];
    if (!next) return;
    this.kind = next.kind;
    while (this.waiting[0]?.kind === this.kind) {
      this.holders++;
      this.waiting.shift()?.admit();
    }
  }
}
