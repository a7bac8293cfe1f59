// In mention-gated groups the assistant only runs when addressed, yet the messages in between are often what the
// question is about. They are kept (pending, not yet in the session) and injected ahead of the current message,
// each tagged with its author so the model can tell members apart.
import { describeSender } from './envelope';

export interface HistoryEntry {
  envelope: string;
  sender: { name?: string; e164?: string };
}

export const HISTORY_HEADER = '[Chat messages since your last reply - for context]';
export const CURRENT_HEADER = '[Current message - respond to this]';

/** ` [from: Name (+E164)]`, ` [from: +E164]` or ` [from: Name]`; nothing when neither is known. */
export function senderSuffix(sender: HistoryEntry['sender']): string {
  if (!sender.name?.trim() && !sender.e164) return '';
  return ` [from: ${describeSender(sender)}]`;
}

const tagged = (entry: HistoryEntry): string => entry.envelope + senderSuffix(entry.sender);

export function formatGroupContext(input: { history: HistoryEntry[]; current: HistoryEntry }): string {
  if (input.history.length === 0) return tagged(input.current);
  return [HISTORY_HEADER, ...input.history.map(tagged), '', CURRENT_HEADER, tagged(input.current)].join('\n');
}

/** How many pending group messages to keep: the account's (or channel's) value, else the global one; 0 = none. */
export function historyLimitFor(account: { historyLimit?: number }, messagesHistoryLimit: number): number {
  return account.historyLimit ?? messagesHistoryLimit;
}
