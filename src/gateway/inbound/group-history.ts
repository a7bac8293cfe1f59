// In mention-gated groups the assistant only runs when addressed, yet the messages in between are often what the
// question is about. They are kept (pending, not yet in the session) and injected ahead of the current message;
// each envelope already carries its author's `[from: …]` tag, so the model can tell members apart.

export const HISTORY_HEADER = '[Chat messages since your last reply - for context]';
export const CURRENT_HEADER = '[Current message - respond to this]';

/** Group envelopes (each tagged with its sender): pending ones above the current one, under the two headers. */
export function formatGroupContext(input: { history: string[]; current: string }): string {
  if (input.history.length === 0) return input.current;
  return [HISTORY_HEADER, ...input.history, '', CURRENT_HEADER, input.current].join('\n');
}

/** How many pending group messages to keep: the account's (or channel's) value, else the global one; 0 = none. */
export function historyLimitFor(account: { historyLimit?: number }, messagesHistoryLimit: number): number {
  return account.historyLimit ?? messagesHistoryLimit;
}
