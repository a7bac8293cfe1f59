// The tray's view of the WhatsApp accounts: one line per account, kept by account id from `channels.state`
// events, seeded by a `channels.status` snapshot. Every state change in the gateway emits an event, so an
// account already seen in an event keeps that version when the (possibly older) snapshot arrives.
import type { AccountStatus } from '../shared/contract';
import type { TrayAccount } from './tray-menu';

export interface TrayAccounts {
  /** A channels.state event; true when the tray line changed. */
  apply(status: AccountStatus): boolean;
  /** The channels.status answer: fills in accounts no event has reported yet. */
  seed(statuses: AccountStatus[]): boolean;
  /** Sorted by account id. */
  list(): TrayAccount[];
}

const toLine = (s: AccountStatus): TrayAccount => ({ id: s.accountId, state: s.state, sentence: s.sentence });
const same = (a: TrayAccount | undefined, b: TrayAccount) =>
  a !== undefined && a.state === b.state && a.sentence === b.sentence;

export function createTrayAccounts(): TrayAccounts {
  const byId = new Map<string, TrayAccount>();
  return {
    apply(status) {
      const line = toLine(status);
      if (same(byId.get(line.id), line)) return false;
      byId.set(line.id, line);
      return true;
    },
    seed(statuses) {
      let changed = false;
      for (const status of statuses) {
        if (byId.has(status.accountId)) continue;
        byId.set(status.accountId, toLine(status));
        changed = true;
      }
      return changed;
    },
    list: () => [...byId.values()].sort((a, b) => a.id.localeCompare(b.id)),
  };
}
