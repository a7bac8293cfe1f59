// A fixed-size buffer of the most recent items: the gateway keeps recent log lines for `logs.tail` and the UI
// without the memory growing over weeks of uptime.
export class Ring<T> {
  private readonly items: (T | undefined)[];
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`ring capacity must be ≥ 1, got ${capacity}`);
    this.items = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  push(item: T): void {
    const at = (this.start + this.count) % this.capacity;
    this.items[at] = item;
    if (this.count < this.capacity) this.count++;
    else this.start = (this.start + 1) % this.capacity;
  }

  /** Newest first; stops early when the caller stops iterating. */
  *newestFirst(): Generator<T> {
    for (let i = this.count - 1; i >= 0; i--) yield this.items[(this.start + i) % this.capacity] as T;
  }

  clear(): void {
    this.items.fill(undefined);
    this.start = 0;
    this.count = 0;
  }
}
