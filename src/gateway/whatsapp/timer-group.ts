// Timers cleared together: each forgets itself when it fires, so the group holds only the pending ones.
export class TimerGroup {
  private readonly timers = new Set<NodeJS.Timeout>();

  later(fn: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  clear(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
