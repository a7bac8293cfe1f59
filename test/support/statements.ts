// Which SQL statements a connection runs: for tests that a query is skipped, which no result can show.
import type Database from 'better-sqlite3';
import { vi } from 'vitest';

type Run = (...args: unknown[]) => unknown;

/** The SQL of each statement the connection runs from now on, in order; vi.restoreAllMocks() stops recording. */
export function ranStatements(db: Database.Database): string[] {
  const proto = Object.getPrototypeOf(db.prepare('SELECT 1')) as Record<'run' | 'get' | 'all', Run>;
  const ran: string[] = [];
  for (const method of ['run', 'get', 'all'] as const) {
    const original = proto[method];
    vi.spyOn(proto, method).mockImplementation(function (this: Database.Statement, ...args: unknown[]) {
      ran.push(this.source);
      return original.apply(this, args);
    });
  }
  return ran;
}
