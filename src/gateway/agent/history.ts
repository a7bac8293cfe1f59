// What a run sends of the session's earlier turns: the transcript since the last /new, as chat messages, bounded
// by the DM history limit (in user turns) and by the model's context window. Both bounds drop the oldest whole
// exchanges (a user turn and everything answered to it), so the model never sees an answer without its question
// or a tool result without the call that asked for it.
import type { StoredTurn } from '../store/queries/sessions';
import type { ChatMessage } from './providers/types';

/** Turns read from the database per run at most, before the finer bounds below. */
export const MAX_HISTORY_TURNS = 400;

/** A rough token estimate (characters / 4), good enough to stay inside a context window with a margin. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

function messageChars(m: ChatMessage): number {
  if (m.role === 'user') {
    if (typeof m.content === 'string') return m.content.length;
    // An image costs the model about a thousand tokens whatever its size in bytes.
    return m.content.reduce((n, p) => n + (p.type === 'text' ? p.text.length : 4000), 0);
  }
  if (m.role === 'assistant')
    return m.content.length + (m.toolCalls ?? []).reduce((n, c) => n + c.arguments.length + c.name.length, 0);
  return m.content.length;
}

export function estimateMessages(messages: readonly ChatMessage[]): number {
  return messages.reduce((n, m) => n + Math.ceil(messageChars(m) / 4) + 4, 0);
}

/** Stored turns as chat messages, split into exchanges (each starts at a user turn). */
export function toExchanges(turns: readonly StoredTurn[]): ChatMessage[][] {
  const out: ChatMessage[][] = [];
  for (const t of turns) {
    let m: ChatMessage;
    if (t.role === 'user') m = { role: 'user', content: t.text };
    else if (t.role === 'assistant')
      m = { role: 'assistant', content: t.text, ...(t.toolCalls?.length ? { toolCalls: t.toolCalls } : {}) };
    else
      m = { role: 'tool', toolCallId: t.toolCallId ?? '', name: t.toolName ?? 'whatsapp', content: t.text };
    if (t.role === 'user' || out.length === 0) out.push([m]);
    else out[out.length - 1]!.push(m);
  }
  // A transcript that starts mid-exchange (cut by MAX_HISTORY_TURNS or pruning) loses that partial exchange.
  if (out.length > 0 && out[0]![0]!.role !== 'user') out.shift();
  return out;
}

export interface HistoryBounds {
  /** User turns of history kept (the current turn not counted); undefined = no limit but the window. */
  userTurns?: number;
  /** Tokens available for history: the context window minus the system prompt, the new turn and the answer. */
  tokens: number;
}

/** The newest exchanges that fit both bounds, flattened, oldest first. */
export function boundHistory(turns: readonly StoredTurn[], bounds: HistoryBounds): ChatMessage[] {
  let exchanges = toExchanges(turns);
  if (bounds.userTurns !== undefined)
    exchanges = exchanges.slice(Math.max(0, exchanges.length - bounds.userTurns));
  let total = exchanges.reduce((n, e) => n + estimateMessages(e), 0);
  while (exchanges.length > 0 && total > bounds.tokens) total -= estimateMessages(exchanges.shift()!);
  return exchanges.flat();
}
