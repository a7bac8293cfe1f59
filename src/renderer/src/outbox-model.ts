// Pure state behind the Outbox screen: the items from `outbox.list`, then each `outbox.changed` event. An item
// keeps its seq through every state, so merging is by seq with the newest copy winning; a snapshot and an event
// may cross, so an item only ever moves to a copy that is at least as far along (see `laterOf`).
import type { OutboxItem } from '../../shared/contract';
import type { BadgeTone } from './channels-model';

export const MAX_OUTBOX_ITEMS = 300;

export type OutboxFilter = 'all' | 'waiting' | 'sent' | 'problems';

export const FILTERS: Array<{ id: OutboxFilter; label: string }> = [
  { id: 'all', label: 'All' },
  { id: 'waiting', label: 'Waiting' },
  { id: 'sent', label: 'Sent' },
  { id: 'problems', label: 'Failed or expired' },
];

const WAITING = new Set<OutboxItem['state']>(['pending', 'sending']);
const PROBLEMS = new Set<OutboxItem['state']>(['failed', 'expired', 'cancelled']);

export function matchesFilter(item: OutboxItem, filter: OutboxFilter): boolean {
  if (filter === 'waiting') return WAITING.has(item.state);
  if (filter === 'sent') return item.state === 'sent';
  if (filter === 'problems') return PROBLEMS.has(item.state);
  return true;
}

/**
 * Of two copies of one item, the one to show. A copy with more attempts is newer; on equal attempts a settled
 * state beats a waiting one, except that a retried item (failed → pending keeps its attempts) must show pending:
 * so the incoming copy wins unless it would move a sent item back, which never happens for real.
 */
function laterOf(current: OutboxItem, incoming: OutboxItem): OutboxItem {
  if (current.state === 'sent' && incoming.state !== 'sent') return current;
  if (incoming.attempts < current.attempts) return current;
  return incoming;
}

/** `existing` and `incoming` joined, one item per seq, newest seq first, at most `max`. */
export function mergeItems(
  existing: readonly OutboxItem[],
  incoming: readonly OutboxItem[],
  max = MAX_OUTBOX_ITEMS,
): OutboxItem[] {
  const bySeq = new Map<number, OutboxItem>();
  for (const item of existing) bySeq.set(item.seq, item);
  for (const item of incoming) {
    const current = bySeq.get(item.seq);
    bySeq.set(item.seq, current ? laterOf(current, item) : item);
  }
  return [...bySeq.values()].sort((a, b) => b.seq - a.seq).slice(0, max);
}

export const STATE_LABELS: Record<OutboxItem['state'], { label: string; tone: BadgeTone }> = {
  pending: { label: 'Waiting', tone: 'busy' },
  sending: { label: 'Sending', tone: 'busy' },
  sent: { label: 'Sent', tone: 'ok' },
  failed: { label: 'Failed', tone: 'bad' },
  expired: { label: 'Expired', tone: 'warn' },
  cancelled: { label: 'Cancelled', tone: 'idle' },
};

/** The gateway's own rules (outbound/outbox.ts), so the buttons offer only what it will do. */
export function canRetry(item: OutboxItem): boolean {
  return PROBLEMS.has(item.state);
}

export function canCancel(item: OutboxItem): boolean {
  return item.state === 'pending';
}

/** "+15551234567" for a direct chat, the group JID for a group, anything else as stored. */
export function chatLabel(chat: string): string {
  const direct = /^(\d{6,15})@s\.whatsapp\.net$/.exec(chat);
  return direct ? `+${direct[1]}` : chat;
}

const ORIGINS: Record<OutboxItem['origin'], string> = {
  cli: 'from the CLI',
  api: 'from the API',
  auto: 'automatic reply',
};

export function originLabel(origin: OutboxItem['origin']): string {
  return ORIGINS[origin] ?? origin;
}

/** How many items wait, and how many need a look (failed or expired), for the screen's heading. */
export function counts(items: readonly OutboxItem[]): { waiting: number; problems: number } {
  let waiting = 0;
  let problems = 0;
  for (const item of items) {
    if (WAITING.has(item.state)) waiting += 1;
    else if (item.state === 'failed' || item.state === 'expired') problems += 1;
  }
  return { waiting, problems };
}
