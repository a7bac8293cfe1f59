// Pure state behind the Messages view: the messages the gateway handed on to the agent stage, from
// `inbound.recent` and then each `inbound.accepted` event. Every accepted message has its own increasing `seq`, so
// merging the two sources (an event may arrive while the recent list is on its way) is a union by seq.
import type { AcceptedMessage } from '../../shared/contract';
import type { ApiError } from '../../shared/result';

export const MAX_MESSAGES = 200;

export interface InboundState {
  loaded: boolean;
  /** Oldest first, at most MAX_MESSAGES, one per seq. */
  messages: AcceptedMessage[];
  error: ApiError | null;
}

export const EMPTY_INBOUND: InboundState = { loaded: false, messages: [], error: null };

/** `existing` and `incoming` joined, one message per seq, ordered by seq, the newest `max` kept. */
export function mergeMessages(
  existing: readonly AcceptedMessage[],
  incoming: readonly AcceptedMessage[],
  max = MAX_MESSAGES,
): AcceptedMessage[] {
  const bySeq = new Map<number, AcceptedMessage>();
  for (const m of existing) bySeq.set(m.seq, m);
  for (const m of incoming) bySeq.set(m.seq, m);
  const merged = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  return merged.length > max ? merged.slice(merged.length - max) : merged;
}

/** Who wrote: "Alice (+15551234567)"; in a group, the sender and the group. */
export function fromLabel(m: AcceptedMessage): string {
  const who = m.sender.name?.trim();
  const number = m.sender.e164;
  const person = who && number ? `${who} (${number})` : (who ?? number ?? m.from);
  return m.chatType === 'group' ? `${person} in ${m.from}` : person;
}

export interface InboundFilter {
  /** '' for every account. */
  accountId: string;
  /** Case-insensitive text looked for in the sender and the body. */
  text: string;
}

export function matchesInbound(m: AcceptedMessage, filter: InboundFilter): boolean {
  if (filter.accountId && m.accountId !== filter.accountId) return false;
  const needle = filter.text.trim().toLowerCase();
  if (!needle) return true;
  return fromLabel(m).toLowerCase().includes(needle) || m.body.toLowerCase().includes(needle);
}

/** Newest first, as the view lists them. */
export function newestFirst(messages: readonly AcceptedMessage[]): AcceptedMessage[] {
  return [...messages].reverse();
}
