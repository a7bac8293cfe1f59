// Callers that wait for an account to reach a state (linked, settled, a QR shown). Each waiter re-checks its
// condition whenever the account says something changed, and gives up after its timeout either way.
export class Waiters {
  private readonly checks = new Set<() => void>();

  /** Resolves with `value()` once `ready()` holds, or when `timeoutMs` has passed. */
  wait<T>(ready: () => boolean, value: () => T, timeoutMs: number): Promise<T> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.checks.delete(check);
        resolve(value());
      };
      const check = () => {
        if (ready()) done();
      };
      const timer = setTimeout(done, timeoutMs);
      this.checks.add(check);
      check();
    });
  }

  notify(): void {
    for (const check of [...this.checks]) check();
  }
}
