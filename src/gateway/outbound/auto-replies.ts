// The pipeline's automatic answers (inbound/port.ts ReplyPort) as outbox items with origin `auto`: stored before
// they are sent, held while the account is disconnected and delivered after the reconnect, up to the maximum age.
import type { ReplyPort } from '../inbound/port';
import type { Outbox } from './outbox';

export function autoReplies(outbox: Outbox): ReplyPort {
  const one = (accountId: string, chat: string, payload: Parameters<Outbox['enqueue']>[0]['payloads'][0]) => {
    const [item] = outbox.enqueue({ accountId, chat, payloads: [payload], origin: 'auto' });
    return item!.messageId;
  };
  return {
    sendText: (accountId, chat, text) => one(accountId, chat, { kind: 'text', text }),
    react: (raw, emoji) =>
      one(raw.accountId, raw.chatJid, {
        kind: 'react',
        emoji,
        key: {
          chat: raw.chatJid,
          id: raw.id,
          fromMe: raw.fromMe,
          ...(raw.isGroup ? { participant: raw.sender.jid } : {}),
        },
      }),
  };
}
