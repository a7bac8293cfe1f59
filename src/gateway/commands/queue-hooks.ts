// What the agent's run queue needs to know about chat commands: which waiting rows are commands (run alone, never
// held by the debounce), and, while no model is configured, the first command a session is waiting on, found
// without re-reading every waiting row on every scan (before setup thousands can wait; see agent/queue.ts).
import { parseChatCommand } from './parse';

/** What deciding on commands needs of a row: a full AcceptedRow or the queue's light WaitingRow. */
export interface CommandCandidate {
  acceptedAt: number;
  meta: { text?: unknown };
}

export function isCommandRow(row: CommandCandidate): boolean {
  const text = row.meta.text;
  return typeof text === 'string' && parseChatCommand(text) !== null;
}

export class CommandFinder {
  /**
   * How far each waiting list was searched. The queue only appends to a list and replaces it with a new array
   * when rows leave, so a list's rows before `upTo` never need looking at again; entries go with their arrays.
   */
  private readonly searched = new WeakMap<
    readonly CommandCandidate[],
    { upTo: number; found?: CommandCandidate }
  >();

  /** The session's first waiting command that has not expired, alone, or [] when it waits on none. */
  first<T extends CommandCandidate>(list: readonly T[], oldest: number): T[] {
    let s = this.searched.get(list) as { upTo: number; found?: T } | undefined;
    if (!s) this.searched.set(list, (s = { upTo: 0 }));
    while (!s.found && s.upTo < list.length) {
      const row = list[s.upTo++]!;
      if (isCommandRow(row) && row.acceptedAt >= oldest) s.found = row;
    }
    return s.found && s.found.acceptedAt >= oldest ? [s.found] : [];
  }
}
