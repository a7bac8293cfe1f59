// An outbox row as the control API shows it (OutboxItem in the contract), with a short preview for lists.
import type { OutboxItem } from '../../shared/contract';
import type { OutboxRow } from '../store/queries/outbox';
import type { OutboundPayload } from './types';

const PREVIEW_CHARS = 80;

export function preview(payload: OutboundPayload): string {
  switch (payload.kind) {
    case 'text':
      return payload.text.slice(0, PREVIEW_CHARS);
    case 'media': {
      const caption = payload.caption ? ` ${payload.caption}` : '';
      return `<media:${payload.media.kind}>${caption}`.slice(0, PREVIEW_CHARS);
    }
    case 'react':
      return payload.emoji === '' ? 'react (removed)' : `react ${payload.emoji}`;
  }
}

/** `shown`: the row's preview when the caller has it, sparing a parse of the payload on every state change. */
export function toItem(row: OutboxRow, shown?: string): OutboxItem {
  return {
    seq: row.seq,
    accountId: row.account,
    chat: row.chat,
    messageId: row.message_id,
    kind: row.kind,
    origin: row.origin,
    state: row.state,
    attempts: row.attempts,
    ...(row.error !== null ? { error: row.error } : {}),
    createdAt: new Date(row.created_at).toISOString(),
    ...(row.sent_at !== null ? { sentAt: new Date(row.sent_at).toISOString() } : {}),
    ...(row.next_attempt_at !== null ? { nextAttemptAt: new Date(row.next_attempt_at).toISOString() } : {}),
    ...(row.expires_at !== null ? { expiresAt: new Date(row.expires_at).toISOString() } : {}),
    preview: shown ?? preview(JSON.parse(row.payload) as OutboundPayload),
  };
}
