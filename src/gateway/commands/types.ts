/** What a chat command does: the answer to send (null: none at all) and why, for the outcome and the log. */
export interface CommandAnswer {
  reply: string | null;
  reason: string;
  /** /new and /reset: the session starts afresh in the same commit as the answer. */
  reset?: boolean;
}
